namespace HealthGateway.Gateway.Audit;

/// <summary>
/// One access to patient data (allowed or denied): who (role + subject, "anonymous" for 401), which patient,
/// which resource and action, the HTTP status it ended with, the correlation id, and when.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset OccurredAt,
    string Role,
    string Subject,
    string? PatientId,
    string Resource,
    string Action,
    int Status,
    string CorrelationId,
    string Target);

/// <summary>A stored <see cref="AuditRecord"/> with its position in the log (the keyset cursor).</summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset OccurredAt,
    string Role,
    string Subject,
    string? PatientId,
    string Resource,
    string Action,
    int Status,
    string CorrelationId,
    string Target);

/// <summary>A page of <c>GET /api/v1/audit</c>: pass <see cref="Next"/> as <c>after</c> for the following page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? Next);
