using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using HealthGateway.Gateway.Telemetry;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// The last minutes of this node's traffic, for the dashboard's charts: every <see cref="Interval"/> one
/// <see cref="OpsMetricsPoint"/> (reads and writes per second, read p99, backlog, unit attaches and detaches).
/// Computed from the gateway's own instruments (<see cref="GatewayMetrics"/>, read with a <see cref="MeterListener"/>
/// scoped to this host's meter factory, so hosts sharing a process do not mix) and from the ops event stream
/// (the unit-connected/-disconnected events whose socket is on this node). Nothing here is patient data.
/// </summary>
public sealed class OpsMetricsHistory : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public const int Points = 120; // ten minutes

    /// <summary>Read durations kept per interval for the p99; past this a uniform sample replaces them (bounded memory).</summary>
    private const int MaxReadSamples = 4096;

    private readonly object _gate = new();
    private readonly Queue<OpsMetricsPoint> _points = new();
    private readonly MeterListener _listener = new();
    private readonly Timer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<double> _readSeconds = new(MaxReadSamples);
    private long _reads, _writes, _settled, _attaches, _detaches, _backlog;
    private DateTimeOffset _intervalStart = DateTimeOffset.UtcNow;
    private IActorRef? _subscriber;

    public OpsMetricsHistory(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Meter.Scope == meterFactory)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "hgw.read.duration") ReadCompleted(value);
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "hgw.write.persisted": Interlocked.Add(ref _writes, value); break;
                case "hgw.write.settled": Interlocked.Add(ref _settled, value); break;
                case "hgw.write.backlog": Interlocked.Add(ref _backlog, value); break;
            }
        });
        _listener.Start();
        _timer = new Timer(_ => Close(), null, Interval, Interval);
    }

    /// <summary>The points of the last minutes, oldest first (only whole intervals: a partial one would understate its rates).</summary>
    public IReadOnlyList<OpsMetricsPoint> Snapshot()
    {
        lock (_gate) return [.. _points];
    }

    /// <summary>Counts this node's unit attaches and detaches from the ops events (once the actor system runs).</summary>
    public void CountUnitEvents(ActorSystem system)
    {
        var self = Cluster.Get(system).SelfAddress.ToString();
        var events = Channel.CreateBounded<OpsEvent>(new BoundedChannelOptions(1_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
        _subscriber = system.ActorOf(OpsEventSubscriber.Props(events.Writer));
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in events.Reader.ReadAllAsync(_stopping.Token))
                {
                    if (e.UnitId is null || e.Node != self) continue;
                    if (e.Type == OpsEventTypes.UnitConnected) Interlocked.Increment(ref _attaches);
                    else if (e.Type == OpsEventTypes.UnitDisconnected) Interlocked.Increment(ref _detaches);
                }
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        });
    }

    private void ReadCompleted(double seconds)
    {
        lock (_readSeconds)
        {
            _reads++;
            if (_readSeconds.Count < MaxReadSamples) _readSeconds.Add(seconds);
            else if (Random.Shared.NextInt64(_reads) is var slot && slot < MaxReadSamples) _readSeconds[(int)slot] = seconds;
        }
    }

    /// <summary>Ends the current interval: its counts become one point.</summary>
    private void Close()
    {
        var now = DateTimeOffset.UtcNow;
        long reads;
        double? p99;
        lock (_readSeconds)
        {
            reads = _reads;
            p99 = Percentile(_readSeconds, 0.99);
            _reads = 0;
            _readSeconds.Clear();
        }
        var seconds = Math.Max(0.001, (now - _intervalStart).TotalSeconds);
        var perMinute = 60 / seconds;
        var point = new OpsMetricsPoint(
            At: now,
            ReadsPerSecond: Math.Round(reads / seconds, 2),
            WritesPerSecond: Math.Round(Interlocked.Exchange(ref _writes, 0) / seconds, 2),
            SettledPerSecond: Math.Round(Interlocked.Exchange(ref _settled, 0) / seconds, 2),
            ReadP99Ms: p99 is { } p ? Math.Round(p * 1000, 2) : null,
            Backlog: Math.Max(0, Interlocked.Read(ref _backlog)),
            AttachesPerMinute: Math.Round(Interlocked.Exchange(ref _attaches, 0) * perMinute, 2),
            DetachesPerMinute: Math.Round(Interlocked.Exchange(ref _detaches, 0) * perMinute, 2));
        _intervalStart = now;
        lock (_gate)
        {
            _points.Enqueue(point);
            while (_points.Count > Points) _points.Dequeue();
        }
    }

    /// <summary>Nearest-rank percentile; null when there were no reads (no latency rather than a zero one).</summary>
    private static double? Percentile(List<double> values, double fraction)
    {
        if (values.Count == 0) return null;
        values.Sort();
        var rank = (int)Math.Ceiling(fraction * values.Count) - 1;
        return values[Math.Clamp(rank, 0, values.Count - 1)];
    }

    public void Dispose()
    {
        _timer.Dispose();
        _listener.Dispose();
        _stopping.Cancel();
        _subscriber?.Tell(PoisonPill.Instance);
        _stopping.Dispose();
    }
}
