using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// The one gate of every <c>/api/v1/patients/{patientId}</c> endpoint: asks <see cref="PatientAccessPolicy"/>
/// (with the scope the endpoint declares through <see cref="RequiredScope"/> metadata), answers denials
/// (403 for the caller, 404 that looks like an unknown patient), and records the outcome in the audit
/// trail before the response is written. If the audit record cannot be stored the answer is 503 and
/// no patient data leaves. Body and query fields play no part: only the route's patient id counts.
/// </summary>
public sealed class PatientAccessFilter(PatientAccessPolicy policy, PatientDirectory directory) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var patientId = PatientIdOf(http);
        if (patientId.Length == 0 || patientId.Length > ProtocolConstants.MaxIdLength)
            return await AuditResultFilter.AuditedAsync(http, Problems.BadRequest("Invalid patient id", $"A patient id has 1 to {ProtocolConstants.MaxIdLength} characters."));

        var scope = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope;
        var outcome = await policy.DecideAsync(http.User, patientId, scope, directory.FindUnitAsync, http.RequestAborted);
        switch (outcome)
        {
            case AccessOutcome.Unauthenticated:
                return await AuditResultFilter.AuditedAsync(http, Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid bearer token is required."));
            case AccessOutcome.Forbidden:
                return await AuditResultFilter.AuditedAsync(http, Problems.Forbidden("Not allowed",
                    scope is null ? "This endpoint is for the patient only." : $"This caller may not use this endpoint (it needs scope '{scope}')."));
            case AccessOutcome.NotFound:
                return await AuditResultFilter.AuditedAsync(http, Problems.PatientNotFound(patientId));
        }

        // Streams (WebSocket, SSE) run until the client leaves: the access is recorded when it starts.
        if (http.WebSockets.IsWebSocketRequest || http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            if (http.Audit() is { } audit && !await audit.RecordAsync(http.WebSockets.IsWebSocketRequest ? StatusCodes.Status101SwitchingProtocols : StatusCodes.Status200OK))
                return AuditProblems.Unavailable();
            return await next(context);
        }

        return await AuditResultFilter.AuditedAsync(http, await next(context));
    }

    /// <summary>
    /// Set by a filter that runs before this one when the patient is not a route segment (FHIR's <c>?patient=</c>
    /// or a resource id that names its patient); it then also names the patient in the audit record.
    /// </summary>
    public const string PatientIdItem = "hgw.patientId";

    private static string PatientIdOf(HttpContext http) =>
        http.Items.TryGetValue(PatientIdItem, out var item) && item is string fromItem ? fromItem : http.GetRouteValue("patientId") as string ?? "";
}
