using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Ops;

/// <summary>Body of <c>POST /api/v1/ops/patients/{patientId}/transfer</c>.</summary>
public sealed record PatientTransferRequest(string? ToUnitId, string? Reason);

/// <summary>Answer of an admin transfer: the patient's requests now route to <paramref name="ToUnitId"/>.</summary>
public sealed record PatientTransferResult(string PatientId, string FromUnitId, string ToUnitId);

/// <summary>
/// The administrator's way to move a patient between units (the other way is the owning unit's release). It moves
/// routing only, never records; it is audited before it happens and announced on the ops event stream.
/// </summary>
public static class PatientTransferEndpoints
{
    public const int MaxReasonLength = 500;

    public static RouteGroupBuilder MapPatientTransfers(this RouteGroupBuilder ops)
    {
        ops.MapPost("/patients/{patientId}/transfer", TransferAsync)
            .WithName(OpsEndpointNames.TransferPatient)
            .WithSummary("Move a patient to another unit: their reads and new writes route there (audited)")
            .Produces<PatientTransferResult>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return ops;
    }

    private static async Task<IResult> TransferAsync(string patientId, PatientTransferRequest? body, HttpContext http,
        PatientDirectory directory, AuditLog audit, ActorSystem system, CancellationToken ct)
    {
        var toUnitId = body?.ToUnitId?.Trim();
        if (string.IsNullOrEmpty(toUnitId) || toUnitId.Length > ProtocolConstants.MaxIdLength)
            return Problems.BadRequest("Invalid transfer", $"'toUnitId' must name a unit (1 to {ProtocolConstants.MaxIdLength} characters).");
        if (body!.Reason is { Length: > MaxReasonLength })
            return Problems.BadRequest("Invalid transfer", $"'reason' must be at most {MaxReasonLength} characters.");
        if (patientId.Length > ProtocolConstants.MaxIdLength) return Problems.PatientNotFound(patientId);

        string? from;
        try
        {
            from = await directory.FindUnitAsync(patientId, ct);
        }
        catch (DirectoryUnavailableException)
        {
            return DirectoryDown();
        }
        if (from is null)
            return await Audited(http, audit, patientId, StatusCodes.Status404NotFound, $"transfer to {toUnitId} refused: unknown patient")
                ?? Problems.PatientNotFound(patientId);
        if (from == toUnitId)
            return await Audited(http, audit, patientId, StatusCodes.Status409Conflict, $"transfer to {toUnitId} refused: already there")
                ?? Problems.Create(StatusCodes.Status409Conflict, "Already at that unit", $"Patient '{patientId}' is already routed to '{toUnitId}'.");

        // The row goes in before the move: a transfer nobody can account for must not happen.
        var note = $"transfer from {from} to {toUnitId}" + (string.IsNullOrWhiteSpace(body.Reason) ? "" : $": {body.Reason}");
        if (await Audited(http, audit, patientId, StatusCodes.Status200OK, note) is { } auditDown) return auditDown;
        PatientTransfer? transfer;
        try
        {
            transfer = await directory.TransferAsync(patientId, toUnitId, CancellationToken.None);
        }
        catch (System.Data.Common.DbException)
        {
            await Audited(http, audit, patientId, StatusCodes.Status503ServiceUnavailable, note + " (not carried out: directory unavailable)");
            return DirectoryDown();
        }
        if (transfer is null) return Problems.PatientNotFound(patientId); // departed in between

        var caller = Caller.From(http.User);
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(OpsEventTopic.Name, new OpsEvent(OpsEventTypes.PatientTransferred,
            DateTimeOffset.UtcNow, UnitId: toUnitId, Detail: $"admin {caller.Subject} moved a patient from {transfer.FromUnitId} to {transfer.ToUnitId}")));
        return TypedResults.Ok(new PatientTransferResult(transfer.PatientId, transfer.FromUnitId, transfer.ToUnitId));
    }

    /// <summary>Writes the transfer's audit row; a problem (503) when it could not be stored, else null.</summary>
    private static async Task<IResult?> Audited(HttpContext http, AuditLog audit, string patientId, int status, string what)
    {
        var caller = Caller.From(http.User);
        var target = $"POST {http.Request.Path}: {what}";
        try
        {
            await audit.AppendAsync(new AuditRecord(DateTimeOffset.UtcNow, caller.Role, caller.Subject, patientId, "patient-directory",
                "write", status, http.TraceIdentifier, target.Length <= 500 ? target : target[..500]), CancellationToken.None);
            return null;
        }
        catch (AuditUnavailableException)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Audit trail unavailable",
                "The transfer could not be recorded in the audit trail, so it was not carried out. Try again shortly.", 5);
        }
    }

    private static IResult DirectoryDown() => Problems.Create(StatusCodes.Status503ServiceUnavailable, "Patient directory unavailable",
        "The patient directory could not be reached; nothing was changed. Try again shortly.", 5);
}
