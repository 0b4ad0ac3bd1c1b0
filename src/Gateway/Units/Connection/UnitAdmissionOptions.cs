using System.ComponentModel.DataAnnotations;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// Configuration section <c>UnitAdmission</c>: how fast this node admits unit attaches on <c>/ws/units</c>. Upgrades
/// above the rate are answered 503 with a <c>Retry-After</c> spread over the queue, so a reconnect storm arrives as a
/// steady stream the node can serve instead of a herd whose attaches time out and are retried (docs/protocol.md, 12).
/// </summary>
public sealed class UnitAdmissionOptions
{
    public const string Section = "UnitAdmission";

    /// <summary>
    /// Attaches admitted per second, sustained. Default from the measured cost of an attach (docs/benchmarks.md,
    /// reconnect storm): about what one core serves, leaving the other for traffic of the units already back.
    /// </summary>
    [Range(1, 100_000)] public int AttachesPerSecond { get; set; } = 150;

    /// <summary>Attaches admitted at once above the sustained rate (a quiet node takes a small wave without refusing).</summary>
    [Range(1, 100_000)] public int Burst { get; set; } = 150;

    /// <summary>The longest hint given: a refused unit is never told to stay away longer than this.</summary>
    [Range(1, 3600)] public int MaxRetryAfterSeconds { get; set; } = 120;
}
