using System.ComponentModel.DataAnnotations;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>
/// Configuration section <c>RateLimits</c>: token buckets per caller (role + subject) for all API
/// calls, and per unit for writes, so one flooding client cannot starve the others.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests per second one caller may sustain.</summary>
    [Range(1, 1_000_000)] public int PerCallerPerSecond { get; set; } = 50;

    /// <summary>Requests one caller may send in a burst above the sustained rate.</summary>
    [Range(1, 1_000_000)] public int PerCallerBurst { get; set; } = 100;

    /// <summary>Requests per second one partner client may sustain; unset: <see cref="PerCallerPerSecond"/>.</summary>
    [Range(1, 1_000_000)] public int? PartnerPerSecond { get; set; }

    /// <summary>A partner client's burst; unset: <see cref="PerCallerBurst"/>.</summary>
    [Range(1, 1_000_000)] public int? PartnerBurst { get; set; }

    /// <summary>Writes per second all callers together may send to one unit.</summary>
    [Range(1, 1_000_000)] public int WritesPerUnitPerSecond { get; set; } = 500;

    [Range(1, 1_000_000)] public int WritesPerUnitBurst { get; set; } = 1_000;
}
