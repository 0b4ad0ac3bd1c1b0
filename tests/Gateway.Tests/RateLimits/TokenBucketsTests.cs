using HealthGateway.Gateway.RateLimits;

namespace HealthGateway.Gateway.Tests.RateLimits;

public sealed class TokenBucketsTests
{
    private readonly SteppedClock _clock = new();

    private int Taken(TokenBuckets buckets, string key, int tries) => Enumerable.Range(0, tries).Count(_ => buckets.TryTake(key, out TimeSpan _));

    [Fact]
    public void A_key_gets_its_burst_at_once_then_the_sustained_rate()
    {
        var buckets = new TokenBuckets(burst: 5, perSecond: 10, _clock);

        Assert.Equal(5, Taken(buckets, "a", 20));
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, Taken(buckets, "a", 20));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, Taken(buckets, "a", 20)); // refilled up to the burst only
    }

    [Fact]
    public void A_refused_take_says_when_a_token_is_back()
    {
        var buckets = new TokenBuckets(burst: 1, perSecond: 4, _clock);
        Assert.True(buckets.TryTake("a", out _));

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(buckets.TryTake("a", out var retryAfter));
        Assert.Equal(150, retryAfter.TotalMilliseconds, 1.0);

        _clock.Advance(retryAfter);
        Assert.True(buckets.TryTake("a", out _));
    }

    [Fact]
    public void Keys_do_not_share_tokens()
    {
        var buckets = new TokenBuckets(burst: 2, perSecond: 1, _clock);
        Assert.Equal(2, Taken(buckets, "flooder", 50));
        Assert.Equal(2, Taken(buckets, "calm", 50));
    }

    [Fact]
    public void Growth_trims_only_full_buckets_so_no_key_gains_tokens()
    {
        var buckets = new TokenBuckets(burst: 3, perSecond: 1, _clock);
        Assert.Equal(3, Taken(buckets, "busy", 3));
        for (var i = 1; i < TokenBuckets.MinTrimSize; i++) buckets.TryTake($"first-{i}", out _);

        // The table reached the trim size, but no bucket was full: all kept, and "busy" is still empty.
        Assert.Equal(TokenBuckets.MinTrimSize, buckets.Count);
        Assert.False(buckets.TryTake("busy", out _));

        _clock.Advance(TimeSpan.FromSeconds(10)); // every bucket is full again
        Assert.Equal(2, Taken(buckets, "fresh", 2)); // one token left
        var second = 2 * TokenBuckets.MinTrimSize - buckets.Count;
        for (var i = 0; i < second; i++) buckets.TryTake($"second-{i}", out _);

        // The table doubled: the first keys' full buckets went; the second keys (each a token short) and "fresh" stayed.
        Assert.Equal(second + 1, buckets.Count);
        Assert.Equal(1, Taken(buckets, "fresh", 5));
        Assert.Equal(3, Taken(buckets, "busy", 5)); // trimmed while full: a new bucket is the same as the old one
    }

    [Fact]
    public async Task Concurrent_takes_never_exceed_the_burst()
    {
        var buckets = new TokenBuckets(burst: 100, perSecond: 1, _clock);
        var taken = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
                if (buckets.TryTake("shared", out _)) Interlocked.Increment(ref taken);
        })));
        Assert.Equal(100, taken);
    }
}
