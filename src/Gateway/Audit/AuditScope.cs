using HealthGateway.Gateway.Auth;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// The audit record of one request in the making (an HttpContext feature set by <see cref="AuditMiddleware"/>).
/// Whoever knows the outcome first records it, before the response is sent; later calls do nothing.
/// </summary>
public sealed class AuditScope(HttpContext http, AuditLog log)
{
    private const int MaxTargetLength = 500;

    /// <summary>Defaults to the route's <c>{patientId}</c>; the operations endpoint sets it once it knows.</summary>
    public string? PatientId { get; set; } = Trim(http.GetRouteValue("patientId") as string, ProtocolConstants.MaxIdLength);

    public bool Recorded { get; private set; }

    /// <summary>Records the outcome. False when the audit store failed: the caller must answer 503 and send no data.</summary>
    public async Task<bool> RecordAsync(int status)
    {
        if (Recorded) return true;
        Recorded = true;
        var caller = Caller.From(http.User);
        var endpoint = http.GetEndpoint();
        var record = new AuditRecord(
            DateTimeOffset.UtcNow,
            caller.Role,
            caller.Subject,
            PatientId,
            AuditedEndpoint.ResourceOf(endpoint),
            HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? "read" : "write",
            status,
            http.TraceIdentifier,
            Trim($"{http.Request.Method} {http.Request.Path}", MaxTargetLength)!);
        try
        {
            await log.AppendAsync(record, CancellationToken.None);
            return true;
        }
        catch (AuditUnavailableException)
        {
            return false;
        }
    }

    private static string? Trim(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

public static class AuditScopeExtensions
{
    /// <summary>The request's audit scope, or null when the endpoint is not audited.</summary>
    public static AuditScope? Audit(this HttpContext http) => http.Features.Get<AuditScope>();
}
