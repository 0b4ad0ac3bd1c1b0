namespace HealthGateway.Gateway.Hosting;

/// <summary>
/// Configuration section <c>Gateway:Cluster</c>: overrides of the failure-handling values in
/// <c>hocon/cluster.hocon</c>. Unset values keep the HOCON defaults (chosen for production, see
/// docs/adr/0008). Tests on loopback shorten them to recover in seconds.
/// </summary>
public sealed class ClusterTuningOptions
{
    public const string Section = "Gateway:Cluster";

    /// <summary>Split brain resolver: how long membership must be stable before unreachable nodes are downed.</summary>
    public TimeSpan? StableAfter { get; set; }

    /// <summary>Failure detector: heartbeats may pause this long before a node is marked unreachable.</summary>
    public TimeSpan? AcceptableHeartbeatPause { get; set; }

    /// <summary>HOCON for the values set here, taking precedence over hocon/*.hocon; empty when none is set.</summary>
    public string ToHocon()
    {
        var lines = new List<string>();
        if (StableAfter is { } stable) lines.Add($"akka.cluster.split-brain-resolver.stable-after = {Milliseconds(stable)}");
        if (AcceptableHeartbeatPause is { } pause) lines.Add($"akka.cluster.failure-detector.acceptable-heartbeat-pause = {Milliseconds(pause)}");
        return string.Join('\n', lines);
    }

    private static string Milliseconds(TimeSpan value) => $"{(long)value.TotalMilliseconds}ms";
}
