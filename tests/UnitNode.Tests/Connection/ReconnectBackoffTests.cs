using HealthGateway.UnitNode.Connection;

namespace HealthGateway.UnitNode.Tests.Connection;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Fact]
    public void Delays_stay_between_min_and_an_exponentially_growing_ceiling_capped_at_max()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(1));
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var delay = backoff.Next();
            var ceiling = TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Min.Ticks * Math.Pow(2, Math.Min(attempt, 30))));
            Assert.InRange(delay, Min, ceiling);
        }
    }

    [Fact]
    public void Jitter_spreads_delays_and_reset_starts_over()
    {
        var backoff = new ReconnectBackoff(Min, Max, new Random(7));
        for (var i = 0; i < 10; i++) backoff.Next();
        var late = Enumerable.Range(0, 50).Select(_ => backoff.Next()).ToList();
        Assert.True(late.Distinct().Count() > 40);
        Assert.Contains(late, d => d > TimeSpan.FromSeconds(15));

        backoff.Reset();
        Assert.Equal(Min, backoff.Next());
    }
}
