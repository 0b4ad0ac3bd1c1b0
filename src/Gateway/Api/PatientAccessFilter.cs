using HealthGateway.Gateway.Auth;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// The one place that decides whether the caller may touch <c>{patientId}</c>: a patient only
/// their own id. Anyone else's id answers 404, so a patient cannot probe which ids exist.
/// </summary>
public sealed class PatientAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var patientId = http.GetRouteValue("patientId") as string ?? "";
        if (patientId.Length == 0 || patientId.Length > ProtocolConstants.MaxIdLength)
            return Problems.BadRequest("Invalid patient id", $"A patient id has 1 to {ProtocolConstants.MaxIdLength} characters.");

        var user = http.User;
        if (user.IsInRole(Roles.Patient) && string.Equals(user.FindFirst("sub")?.Value, patientId, StringComparison.Ordinal))
            return await next(context);

        return user.IsInRole(Roles.Patient)
            ? Problems.PatientNotFound(patientId)
            : Problems.Forbidden("Not allowed", "This role may not read patient data.");
    }
}
