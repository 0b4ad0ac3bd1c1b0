using HealthGateway.Gateway.Http;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>
/// Writes per unit, all callers together: a flood of writes towards one clinic is refused (429)
/// before it fills that clinic's backlog. Checked once the patient's unit is known.
/// </summary>
public sealed class UnitWriteLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly TokenBuckets _units = new(options.Value.WritesPerUnitBurst, options.Value.WritesPerUnitPerSecond, time);

    public UnitWriteLimiter(IOptions<RateLimitOptions> options) : this(options, TimeProvider.System) { }

    /// <summary>Null when the write may go on, else the result to answer (429 + Retry-After).</summary>
    public IResult? TryAcquire(string unitId)
    {
        if (_units.TryTake(unitId, out var retryAfter)) return null;
        return Problems.Create(StatusCodes.Status429TooManyRequests, "Too many writes for this unit",
            "The healthcare unit receives more writes than its limit. Retry after the given time.", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));
    }
}
