namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Exponential backoff with full jitter: the n-th delay is uniform in [min, min(max, min * 2^n)].
/// Jitter spreads 500+ units that lost the gateway at the same moment over the whole window.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan minDelay, TimeSpan maxDelay, Random? random = null)
{
    private const int MaxExponent = 30;
    private readonly Random _random = random ?? Random.Shared;
    private int _attempt;

    public TimeSpan Next()
    {
        var ceilingTicks = Math.Min(maxDelay.Ticks, minDelay.Ticks * Math.Pow(2, Math.Min(_attempt, MaxExponent)));
        if (_attempt < MaxExponent) _attempt++;
        return TimeSpan.FromTicks(minDelay.Ticks + (long)(_random.NextDouble() * (ceilingTicks - minDelay.Ticks)));
    }

    public void Reset() => _attempt = 0;
}
