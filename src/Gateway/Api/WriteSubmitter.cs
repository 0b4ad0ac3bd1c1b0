using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.RateLimits;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Gateway.Units;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// Submits a durable write to the patient's unit session and turns the session's answer into
/// HTTP: 201/200 when the unit applied it within the wait window, 202 + Location once it is
/// durable, 422 when the unit rejected it, 409 for a reused Idempotency-Key, 503 when the
/// backlog is full or durability could not be confirmed. Never a 2xx before the journal confirms.
/// </summary>
public sealed class WriteSubmitter(
    PatientDirectory directory,
    UnitGateway units,
    IOptions<GatewayOptions> options,
    UnitWriteLimiter unitLimiter,
    ILogger<WriteSubmitter> logger)
{
    public const int MaxIdempotencyKeyLength = 128;

    public async Task<IResult> SubmitAsync(HttpContext http, string patientId, string operation, string payloadJson, bool createsResource)
    {
        var (state, problem) = await EnqueueAsync(http, patientId, operation, payloadJson);
        return problem ?? ToResult(state!, createsResource);
    }

    /// <summary>
    /// The durable write itself: the operation's state once the journal confirmed it (and the unit settled it, if it did
    /// within the wait), or the problem to answer instead. Shared by <c>/api/v1</c> and <c>/fhir/r4</c>.
    /// </summary>
    public async Task<(OperationState? State, IResult? Problem)> EnqueueAsync(HttpContext http, string patientId, string operation, string payloadJson)
    {
        var settings = options.Value;
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length == 0) idempotencyKey = null!;
        else if (idempotencyKey.Length > MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < '!' or > '~'))
            return (null, Problems.BadRequest("Invalid Idempotency-Key", $"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} visible ASCII characters."));

        var unitId = await directory.FindUnitAsync(patientId, http.RequestAborted);
        if (unitId is null) return (null, Problems.PatientNotFound(patientId));
        if (unitLimiter.TryAcquire(unitId) is { } tooMany) return (null, tooMany);

        var (wait, applied) = PreferHeader.Resolve(http.Request, settings.WriteWait, settings.MaxWriteWait);

        var requestedBy = Caller.From(http.User).RequestedBy;
        using var span = GatewayTracing.Source.StartActivity(GatewayTracing.WriteSpan, ActivityKind.Client);
        var command = new UnitSessionCommands.EnqueueWrite(
            unitId,
            OperationId.New(unitId),
            operation,
            patientId,
            payloadJson,
            settings.WriteTimeToLive.GetValueOrDefault(operation, TimeSpan.FromDays(1)),
            requestedBy,
            idempotencyKey,
            RequestHash(operation, patientId, payloadJson),
            wait,
            GatewayTracing.CorrelationId(http),
            GatewayTracing.TraceParent(span ?? Activity.Current));
        span?.SetTag(GatewayTracing.UnitIdTag, unitId);
        span?.SetTag(GatewayTracing.OperationTag, operation);
        span?.SetTag(GatewayTracing.OperationIdTag, command.OperationId);

        object answer;
        try
        {
            answer = await units.SubmitWriteAsync(command, settings.WriteAcceptTimeout + wait);
        }
        catch (AskTimeoutException)
        {
            span?.SetStatus(ActivityStatusCode.Error, "not durable in time");
            logger.LogWarning("write {Operation} for unit {UnitId}: durability not confirmed in time", operation, unitId);
            return (null, Problems.NotDurable(command.OperationId));
        }

        span?.SetTag(GatewayTracing.OutcomeTag, answer switch
        {
            OperationState state => state.Status.ToString(),
            WriteRefused refused => refused.Reason.ToString(),
            _ => "unexpected",
        });
        if (answer is OperationState && applied is not null) http.Response.Headers["Preference-Applied"] = applied;
        return answer switch
        {
            OperationState state => (state, null),
            WriteRefused { Reason: WriteRefusal.BacklogFull } => (null, Problems.BacklogFull()),
            WriteRefused { Reason: WriteRefusal.IdempotencyConflict } refused => (null, Problems.IdempotencyConflict(refused.ExistingOperationId)),
            WriteRefused refused => (null, Problems.NotDurable(refused.OperationId)),
            _ => (null, Problems.NotDurable(command.OperationId)),
        };
    }

    public static IResult ToResult(OperationState state, bool createsResource)
    {
        var location = $"/api/v1/operations/{state.OperationId}";
        var view = OperationView.From(state);
        return state.Status switch
        {
            OperationStatus.Applied => createsResource
                ? TypedResults.Created(location, view)
                : new LocatedResult(TypedResults.Ok(view), location),
            OperationStatus.Rejected or OperationStatus.Expired => WriteProblems.NotApplied(state, location),
            _ => TypedResults.Accepted(location, view),
        };
    }

    /// <summary>Same key + same request = same operation; the hash tells "same request" apart.</summary>
    private static string RequestHash(string operation, string patientId, string payloadJson) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{operation}\n{patientId}\n{payloadJson}")));

}
