using System.Diagnostics;

namespace HealthGateway.Gateway.Telemetry;

/// <summary>
/// The gateway's spans. A routed read or write gets a span here; its W3C <c>traceparent</c> travels in the
/// actor messages (actors do not flow <see cref="Activity.Current"/>) and in the unit frames, so the unit's
/// span joins the same trace.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "HealthGateway.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    public const string ReadSpan = "gateway.read";
    public const string WriteSpan = "gateway.write";
    public const string DeliverSpan = "session.deliver";

    public const string UnitIdTag = "hgw.unit_id";
    public const string OperationTag = "hgw.operation";
    public const string OperationIdTag = "hgw.operation_id";
    public const string SeqTag = "hgw.seq";
    public const string OutcomeTag = "hgw.outcome";

    /// <summary>
    /// The one id an operator follows: the W3C trace id of the API call (the same id is in the gateway's
    /// log scope as TraceId, in the unit's logs as CorrelationId, and in the trace backend).
    /// Without an activity (no tracing, no logging) it falls back to ASP.NET's request id.
    /// </summary>
    public static string CorrelationId(HttpContext http) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.TraceId.ToHexString() : http.TraceIdentifier;

    /// <summary>
    /// The traceparent of <paramref name="activity"/>; null without one. Never falls back to
    /// <see cref="Activity.Current"/> by itself: on an actor's thread that may belong to someone else's request.
    /// </summary>
    public static string? TraceParent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>
    /// Starts a span whose parent came over a message. Nothing is parsed unless someone listens, and a
    /// malformed traceparent starts no span (the caller keeps passing the old one along).
    /// </summary>
    public static Activity? StartFromParent(string name, ActivityKind kind, string? traceParent)
    {
        if (traceParent is null || !Source.HasListeners()) return null;
        if (!ActivityContext.TryParse(traceParent, null, isRemote: false, out var parent)) return null;
        return Source.StartActivity(name, kind, parent);
    }
}
