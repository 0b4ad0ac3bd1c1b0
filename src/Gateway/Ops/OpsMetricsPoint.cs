namespace HealthGateway.Gateway.Ops;

/// <summary>
/// One interval of this node's traffic (see <see cref="OpsMetricsHistory"/>): rates per second over the interval that
/// ended <paramref name="At"/>, the read p99 in milliseconds (null without reads), the backlog at its end, and unit
/// attaches and detaches on this node as a per-minute rate.
/// </summary>
public sealed record OpsMetricsPoint(
    DateTimeOffset At,
    double ReadsPerSecond,
    double WritesPerSecond,
    double SettledPerSecond,
    double? ReadP99Ms,
    long Backlog,
    double AttachesPerMinute,
    double DetachesPerMinute);

/// <summary><c>GET /api/v1/ops/metrics/history</c>: the node that answered, the interval length and its points, oldest first.</summary>
public sealed record OpsMetricsHistoryView(string Node, int IntervalSeconds, IReadOnlyList<OpsMetricsPoint> Points);
