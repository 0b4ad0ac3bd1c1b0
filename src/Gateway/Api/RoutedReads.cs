using System.Diagnostics;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// A volatile read: directory lookup -> unit session -> unit socket -> reply, with a deadline.
/// Offline answers 503 at once; a late unit 504; a reply that does not fit the contract 502. How each reply
/// status maps to HTTP is docs/protocol.md, section 6.
/// A unit connected to this node is asked directly on its socket; otherwise its session forwards the
/// read to wherever the unit is connected (ADR 10).
/// </summary>
public sealed class RoutedReads(
    PatientDirectory directory,
    UnitGateway units,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<RoutedReads> logger)
{
    /// <summary>
    /// The unit's payload bytes, written to the caller as they came once they passed the contract check (ADR 23, "bytes
    /// once") when <see cref="ReplyPayloads"/> finds they hold nothing the check did not see; otherwise the checked value.
    /// </summary>
    public async Task<IResult> ReadAsync<T>(HttpContext http, string patientId, string operation, JsonTypeInfo<T> contract, Func<T, string> patientOf)
        where T : class
    {
        var (value, utf8, problem) = await ReadCheckedAsync(http, patientId, operation, contract, patientOf);
        return problem ?? (utf8 is not null ? TypedResults.Bytes(utf8, JsonContentType) : TypedResults.Json(value!, contract));
    }

    // What TypedResults.Json sent before the bytes went through verbatim.
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// The unit's answer as the contract (Value), or the problem to answer instead: for <c>/fhir/r4</c>, which maps the
    /// contract to FHIR resources.
    /// </summary>
    public async Task<(T? Value, IResult? Problem)> ReadContractAsync<T>(HttpContext http, string patientId, string operation, JsonTypeInfo<T> contract,
        Func<T, string> patientOf)
        where T : class
    {
        var (value, _, problem) = await ReadCheckedAsync(http, patientId, operation, contract, patientOf);
        return (value, problem);
    }

    /// <summary>
    /// The one routed read both APIs share: the checked contract and, when they hold exactly that, the bytes it was read
    /// from; or the problem.
    /// </summary>
    private async Task<(T? Value, byte[]? Utf8, IResult? Problem)> ReadCheckedAsync<T>(HttpContext http, string patientId, string operation,
        JsonTypeInfo<T> contract, Func<T, string> patientOf)
        where T : class
    {
        var ct = http.RequestAborted;
        var unitId = await directory.FindUnitAsync(patientId, ct);
        if (unitId is null) return (null, null, Problems.PatientNotFound(patientId));

        var answer = await AskUnitAsync(unitId, patientId, operation, GatewayTracing.CorrelationId(http), ct);
        if (answer is ReadReplies.Replied { Status: ReplyStatus.NotFound })
        {
            // The cached route may predate a transfer: look again once before answering 404.
            directory.Evict(patientId);
            var current = await directory.FindUnitAsync(patientId, ct);
            if (current is null || current == unitId) return (null, null, Problems.PatientNotFound(patientId));
            unitId = current;
            answer = await AskUnitAsync(unitId, patientId, operation, GatewayTracing.CorrelationId(http), ct);
        }

        switch (answer)
        {
            case null:
                return (null, null, Problems.UnitTimeout());
            case ReadReplies.Failed { Reason: ReadFailure.UnitOffline }:
                return (null, null, Problems.UnitOffline(options.Value.OfflineRetryAfterSeconds));
            case ReadReplies.Failed { Reason: ReadFailure.UnitBrokeProtocol }:
                return (null, null, Problems.BadUnitReply($"The unit answered '{operation}' with a frame that breaks the protocol; the gateway closed its connection."));
            case ReadReplies.Failed:
                return (null, null, Problems.UnitBusy());
            case ReadReplies.Replied { Status: ReplyStatus.Ok, PayloadUtf8: { } utf8 }:
                var value = ReplyPayloads.Read(utf8, contract, out var exact, out var error);
                // Never hand one patient another patient's data, whatever the unit sent. Bytes that hold more than the
                // contract (a newer minor revision's fields) are not passed on: the caller gets the checked value.
                if (value is not null && NamesOnly(value, patientId, patientOf)) return (value, exact ? utf8 : null, null);
                if (value is not null)
                    logger.LogWarning("unit {UnitId} answered {Operation} for {PatientId} with another patient's data", unitId, operation, patientId);
                else
                    logger.LogWarning("unit {UnitId} answered {Operation} with a payload that breaks the contract: {Error}", unitId, operation, error);
                return (null, null, Problems.BadUnitReply($"The unit's answer to '{operation}' does not match the contract."));
            case ReadReplies.Replied { Status: ReplyStatus.NotFound }:
                return (null, null, Problems.PatientNotFound(patientId));
            case ReadReplies.Replied { Status: ReplyStatus.Ok }:
                logger.LogWarning("unit {UnitId} answered {Operation} ok without a payload", unitId, operation);
                return (null, null, Problems.BadUnitReply($"The unit's answer to '{operation}' does not match the contract."));
            case ReadReplies.Replied replied:
                // The unit's own explanation stays in the log: it is written for the unit's operators, not for callers.
                logger.LogWarning("unit {UnitId} answered {Operation} with {Status}: {Error}", unitId, operation, replied.Status, replied.Error);
                return (null, null, replied.Status switch
                {
                    ReplyStatus.Unsupported => Problems.UnitReadUnsupported(operation),
                    ReplyStatus.Invalid => Problems.UnitRefusedRead(operation),
                    _ => Problems.UnitReadFailed(operation),
                });
            default:
                return (null, null, Problems.BadUnitReply("Unexpected answer."));
        }
    }

    /// <summary>
    /// True when every patient the payload names is <paramref name="patientId"/>: the one it is about, and each listed item's
    /// own (the caller sees the unit's bytes, so an appointment of someone else inside our patient's list would reach them).
    /// </summary>
    private static bool NamesOnly<T>(T value, string patientId, Func<T, string> patientOf) =>
        patientOf(value) == patientId && value switch
        {
            AppointmentList list => list.Appointments.All(a => a.PatientId == patientId),
            InvoiceList list => list.Invoices.All(i => i.PatientId == patientId),
            _ => true,
        };

    /// <summary>The unit's answer, or null when the deadline passed.</summary>
    private async Task<object?> AskUnitAsync(string unitId, string patientId, string operation, string correlationId, CancellationToken ct)
    {
        var timeout = options.Value.ReadTimeout;
        var started = Stopwatch.GetTimestamp();
        using var span = GatewayTracing.Source.StartActivity(GatewayTracing.ReadSpan, ActivityKind.Client);
        span?.SetTag(GatewayTracing.UnitIdTag, unitId);
        span?.SetTag(GatewayTracing.OperationTag, operation);
        var read = new UnitSessionCommands.RouteRead(unitId, Guid.NewGuid().ToString("N"), operation, patientId,
            DateTimeOffset.UtcNow + timeout, correlationId, GatewayTracing.TraceParent(span ?? Activity.Current));
        object? answer;
        try
        {
            answer = await units.ReadAsync(read, timeout, ct);
        }
        catch (AskTimeoutException)
        {
            answer = null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            answer = null; // the client went away; nobody reads this answer
        }

        var outcome = OutcomeOf(answer);
        metrics.ReadCompleted(operation, outcome, Stopwatch.GetElapsedTime(started));
        if (span is not null)
        {
            span.SetTag(GatewayTracing.OutcomeTag, outcome);
            if (outcome is not ("ok" or "not_found")) span.SetStatus(ActivityStatusCode.Error, outcome);
        }
        return answer;
    }

    /// <summary>A fixed, small set of tag values (metric cardinality).</summary>
    private static string OutcomeOf(object? answer) => answer switch
    {
        null => "timeout",
        ReadReplies.Failed { Reason: ReadFailure.UnitOffline } => "offline",
        ReadReplies.Failed { Reason: ReadFailure.UnitBrokeProtocol } => "unit_error",
        ReadReplies.Failed => "busy",
        ReadReplies.Replied { Status: ReplyStatus.Ok } => "ok",
        ReadReplies.Replied { Status: ReplyStatus.NotFound } => "not_found",
        ReadReplies.Replied => "unit_error",
        _ => "unexpected",
    };
}
