using System.Diagnostics;
using System.Diagnostics.Metrics;
using HealthGateway.UnitNode.Connection;

namespace HealthGateway.UnitNode.Telemetry;

/// <summary>
/// The unit's instruments (meter <c>HealthGateway.UnitNode</c>). Connection gauges read
/// <see cref="GatewayConnectionStatus"/>, so the client code records nothing for them.
/// </summary>
public sealed class UnitNodeMetrics
{
    public const string MeterName = "HealthGateway.UnitNode";

    // Boxed once: a bool tag would otherwise box on every delivery.
    private static readonly object True = true, False = false;

    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _deliveries;

    public UnitNodeMetrics(IMeterFactory meters, GatewayConnectionStatus status)
    {
        var meter = meters.Create(MeterName);
        _requestDuration = meter.CreateHistogram<double>("hgw.unitnode.request.duration", "s",
            "Gateway requests (reads) handled by this unit, by operation and reply status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _deliveries = meter.CreateCounter<long>("hgw.unitnode.deliveries", "{delivery}",
            "Deliveries (writes) this unit settled, by outcome (applied, rejected, expired) and whether it was a redelivery.");
        meter.CreateObservableGauge("hgw.unitnode.connected", () => status.IsConnected ? 1 : 0, "{connection}",
            "1 while the unit has a welcomed session with the gateway, else 0.");
        meter.CreateObservableCounter("hgw.unitnode.reconnects", () => (long)Math.Max(0, status.ConnectedCount - 1), "{session}",
            "Sessions with the gateway after the first one since the process started.");
        meter.CreateObservableCounter("hgw.unitnode.connect_attempts", () => (long)status.ConnectAttempts, "{attempt}",
            "Connection attempts to the gateway since the process started.");
    }

    public void RequestHandled(string operation, string status, TimeSpan elapsed) =>
        _requestDuration.Record(elapsed.TotalSeconds, new TagList
        {
            { UnitNodeTracing.OperationTag, operation },
            { UnitNodeTracing.OutcomeTag, status },
        });

    public void DeliverySettled(string outcome, bool duplicate) =>
        _deliveries.Add(1, new TagList
        {
            { UnitNodeTracing.OutcomeTag, outcome },
            { "hgw.duplicate", duplicate ? True : False },
        });
}
