using System.Collections.Concurrent;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>
/// One token bucket per key (a caller, a unit), refilled lazily when it is used: tokens = min(burst, tokens +
/// elapsed x rate). No timer and no sweep, so 10,000 silent callers cost no CPU (ASP.NET Core's partitioned token
/// buckets run one timer per bucket and a 100 ms heartbeat over all of them; ADR 23).
/// A bucket that has refilled completely is no different from a missing one, so the table is trimmed of full buckets
/// when it has doubled since the last trim: the work is paid by new keys, amortized, never while idle.
/// </summary>
public sealed class TokenBuckets
{
    /// <summary>The table is not trimmed below this many keys.</summary>
    public const int MinTrimSize = 4096;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _burst;
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private int _trimAt = MinTrimSize;
    private int _trimming;

    public TokenBuckets(int burst, int perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _burst = burst;
        _perSecond = perSecond;
        _time = time;
    }

    /// <summary>How many keys hold a bucket now (full buckets may linger until the next trim).</summary>
    public int Count => _buckets.Count;

    /// <summary>Takes one token from <paramref name="key"/>'s bucket; when it is empty, false and how long until a token is back.</summary>
    public bool TryTake(string key, out TimeSpan retryAfter)
    {
        while (true)
        {
            var now = _time.GetTimestamp();
            if (!_buckets.TryGetValue(key, out var bucket)) bucket = Add(key, now);
            lock (bucket)
            {
                if (bucket.Removed) continue; // trimmed between the lookup and the lock: take from its successor
                Refill(bucket, now);
                if (bucket.Tokens >= 1)
                {
                    bucket.Tokens -= 1;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }
                retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / _perSecond);
                return false;
            }
        }
    }

    private Bucket Add(string key, long now)
    {
        var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Burst, state.Now), (Burst: _burst, Now: now));
        if (_buckets.Count >= Volatile.Read(ref _trimAt)) TrimFullBuckets();
        return bucket;
    }

    private void Refill(Bucket bucket, long now)
    {
        var seconds = (now - bucket.RefilledAt) / (double)_time.TimestampFrequency;
        if (seconds > 0) bucket.Tokens = Math.Min(_burst, bucket.Tokens + seconds * _perSecond);
        bucket.RefilledAt = now;
    }

    private void TrimFullBuckets()
    {
        if (Interlocked.Exchange(ref _trimming, 1) == 1) return; // one trim at a time; the others go on
        try
        {
            var now = _time.GetTimestamp();
            foreach (var (key, bucket) in _buckets)
            {
                lock (bucket)
                {
                    Refill(bucket, now);
                    if (bucket.Tokens < _burst) continue;
                    bucket.Removed = true;
                    _buckets.TryRemove(KeyValuePair.Create(key, bucket));
                }
            }
            Volatile.Write(ref _trimAt, Math.Max(MinTrimSize, 2 * _buckets.Count));
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private sealed class Bucket(double tokens, long refilledAt)
    {
        public double Tokens = tokens;
        public long RefilledAt = refilledAt;
        public bool Removed;
    }
}
