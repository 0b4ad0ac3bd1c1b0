using Microsoft.AspNetCore.Routing.Patterns;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// Endpoint metadata: every request to this endpoint leaves exactly one audit record, whatever its outcome.
/// Added to the patient route group, the operations group, the ops operation view and the audit query itself.
/// </summary>
public sealed class AuditedEndpoint
{
    public static readonly AuditedEndpoint Instance = new();

    private AuditedEndpoint() { }

    /// <summary>
    /// The resource a route touches: the first literal segment after <c>{patientId}</c>
    /// (<c>appointments</c>, <c>invoices</c>, <c>records</c>, <c>events</c>...), else the last literal one (<c>operations</c>, <c>audit</c>).
    /// </summary>
    public static string ResourceOf(Endpoint? endpoint)
    {
        if (endpoint is not RouteEndpoint { RoutePattern: var pattern }) return "unknown";
        string? last = null;
        var afterPatient = false;
        foreach (var segment in pattern.PathSegments)
        {
            if (segment.IsSimple && segment.Parts[0] is RoutePatternParameterPart { Name: "patientId" }) { afterPatient = true; continue; }
            if (segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart literal)
            {
                if (afterPatient) return literal.Content;
                last = literal.Content;
            }
        }
        return last ?? "unknown";
    }
}
