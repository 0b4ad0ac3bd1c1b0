using System.Diagnostics;

namespace HealthGateway.UnitNode.Telemetry;

/// <summary>
/// The unit's spans: one per request handled and per delivery applied, children of the gateway's span
/// whose W3C context came in the frame's <c>traceparent</c>.
/// </summary>
public static class UnitNodeTracing
{
    public const string SourceName = "HealthGateway.UnitNode";

    public static readonly ActivitySource Source = new(SourceName);

    public const string RequestSpan = "unit.request";
    public const string DeliverySpan = "unit.deliver";

    public const string UnitIdTag = "hgw.unit_id";
    public const string OperationTag = "hgw.operation";
    public const string SeqTag = "hgw.seq";
    public const string OutcomeTag = "hgw.outcome";

    /// <summary>
    /// Starts the span for one frame. A trace context the unit cannot parse is ignored (protocol.md:
    /// advisory), and the span then starts a trace of its own rather than joining whatever ran before.
    /// </summary>
    public static Activity? StartForFrame(string name, ActivityKind kind, string? traceParent, string? traceState)
    {
        if (!Source.HasListeners()) return null;
        if (traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
            return Source.StartActivity(name, kind, parent);
        Activity.Current = null;
        return Source.StartActivity(name, kind);
    }
}
