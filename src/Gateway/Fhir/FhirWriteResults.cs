using System.Text.Json;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol.Codec;
using Hl7.Fhir.Model;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// A durable write's state as FHIR: applied -> the resource the unit returned (201 + Location for a create);
/// not applied within the wait -> FHIR's asynchronous pattern, 202 + <c>Content-Location</c> naming the operation's
/// FHIR status URL (<c>/fhir/r4/_operations/{id}</c>, <see cref="Status"/>); rejected or expired -> 422 OperationOutcome,
/// as on <c>/api/v1</c>.
/// </summary>
public static class FhirWriteResults
{
    public static IResult From(OperationState state, bool creates) => Answer(state, creates ? StatusCodes.Status201Created : StatusCodes.Status200OK);

    /// <summary>
    /// <c>GET /fhir/r4/_operations/{id}</c>: 202 + OperationOutcome while queued or delivered, 200 + the resource once applied,
    /// 422 OperationOutcome when rejected or expired.
    /// </summary>
    public static IResult Status(OperationState state) => Answer(state, StatusCodes.Status200OK);

    private static IResult Answer(OperationState state, int appliedStatus)
    {
        var operation = FhirPaths.Operation(state.OperationId);
        switch (state.Status)
        {
            case OperationStatus.Applied:
                var resource = ResourceOf(state);
                if (resource is null) return Problems.BadUnitReply("The unit's answer to the write does not match the contract.");
                return appliedStatus == StatusCodes.Status201Created
                    ? new FhirResult(resource, appliedStatus, location: $"{FhirPaths.Base}/{resource.TypeName}/{resource.Id}", contentLocation: operation)
                    : new FhirResult(resource, appliedStatus, contentLocation: operation);
            case OperationStatus.Rejected or OperationStatus.Expired:
                return WriteProblems.NotApplied(state, operation);
            default:
                return new FhirResult(FhirOutcomes.Information(
                        $"Stored durably as operation '{state.OperationId}' ({state.Status.ToString().ToLowerInvariant()}); the unit applies it when it can. Poll the Content-Location."),
                    StatusCodes.Status202Accepted, contentLocation: operation);
        }
    }

    private static Resource? ResourceOf(OperationState state)
    {
        if (state.ResultJson is not { Length: > 0 } json) return null;
        try
        {
            return state.Operation switch
            {
                Protocol.Operations.PayInvoice => JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Invoice) is { } invoice ? InvoiceMapping.ToFhir(invoice) : null,
                _ => JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Appointment) is { } appointment ? AppointmentMapping.ToFhir(appointment) : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
