using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HealthGateway.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments (meter <c>HealthGateway.Gateway</c>). One instance per host (from
/// <see cref="IMeterFactory"/>); the actors get it through their props. Tags are a few fixed
/// strings, so recording allocates nothing.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "HealthGateway.Gateway";

    private readonly Histogram<double> _readDuration;
    private readonly Counter<long> _writesPersisted;
    private readonly Counter<long> _writesDelivered;
    private readonly Counter<long> _writesSettled;
    private readonly UpDownCounter<long> _backlog;
    private readonly Counter<long> _reconnects;
    private int _sessionsConnected;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _readDuration = meter.CreateHistogram<double>("hgw.read.duration", "s",
            "Routed reads: directory lookup to the unit's reply (or failure), by operation and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _writesPersisted = meter.CreateCounter<long>("hgw.write.persisted", "{write}", "Writes the journal confirmed (a 2xx can follow), by operation.");
        _writesDelivered = meter.CreateCounter<long>("hgw.write.delivered", "{delivery}", "Deliver frames handed to unit connections, resends included.");
        _writesSettled = meter.CreateCounter<long>("hgw.write.settled", "{write}", "Writes the unit settled, by outcome (applied, rejected, expired).");
        _backlog = meter.CreateUpDownCounter<long>("hgw.write.backlog", "{write}", "Writes durable at the gateway and not yet settled by their unit, over the sessions on this node.");
        _reconnects = meter.CreateCounter<long>("hgw.unit.reconnects", "{attach}", "Unit attaches to a session that had a connection before (reconnects and takeovers).");
        meter.CreateObservableGauge("hgw.unit.sessions.connected", () => Volatile.Read(ref _sessionsConnected), "{session}",
            "Unit sessions on this node that have a current connection.");
    }

    public void ReadCompleted(string operation, string outcome, TimeSpan elapsed) =>
        _readDuration.Record(elapsed.TotalSeconds, new TagList
        {
            { GatewayTracing.OperationTag, operation },
            { GatewayTracing.OutcomeTag, outcome },
        });

    public void WritePersisted(string operation) => _writesPersisted.Add(1, new KeyValuePair<string, object?>(GatewayTracing.OperationTag, operation));

    public void WritesDelivered(int count) => _writesDelivered.Add(count);

    public void WriteSettled(string outcome) => _writesSettled.Add(1, new KeyValuePair<string, object?>(GatewayTracing.OutcomeTag, outcome));

    public void BacklogChanged(long delta)
    {
        if (delta != 0) _backlog.Add(delta);
    }

    public void UnitReconnected() => _reconnects.Add(1);

    public void SessionConnected() => Interlocked.Increment(ref _sessionsConnected);

    public void SessionDisconnected() => Interlocked.Decrement(ref _sessionsConnected);
}
