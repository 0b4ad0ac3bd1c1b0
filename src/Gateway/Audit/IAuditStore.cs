namespace HealthGateway.Gateway.Audit;

/// <summary>
/// Where audit records live. Append-only: there is no update or delete, and the store itself refuses them.
/// Kept small (and the SQL plain) so a PostgreSQL store can replace the SQLite one.
/// </summary>
public interface IAuditStore
{
    /// <summary>Stores all records in one transaction: all durable when this returns, none on failure.</summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct);
}

/// <summary>The audit record could not be made durable: the request fails with 503 and sends no patient data.</summary>
public sealed class AuditUnavailableException(Exception? inner) : Exception("audit trail unavailable", inner);
