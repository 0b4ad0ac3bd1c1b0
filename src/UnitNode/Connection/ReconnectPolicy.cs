namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Chooses the gateway address and the delay of the next attempt. Any failure moves on to the next address
/// (a dead node must not keep a unit offline); the delay is the usual exponential backoff with jitter unless a
/// gateway gave a hint. A hint (<c>Retry-After</c>, <c>retryAfterMs</c>) is jittered to uniform [hint, 1.5 x hint]
/// so the units a node turned away do not all come back at the same instant, and that address is not tried before
/// then. After <see cref="AttemptEnd.GoingAway"/> the hint holds for the next attempt wherever it goes (the node says
/// when its sessions can be found again), and another address is preferred. Not thread-safe: one per client loop.
/// </summary>
internal sealed class ReconnectPolicy
{
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeSpan _refusedDelay;
    private readonly TimeSpan _maxHint;
    private readonly TimeProvider _time;
    private readonly Random _random;
    // Per address: the earliest time a hint allows it to be tried again.
    private readonly DateTimeOffset[] _notBefore;
    private int _current;

    public ReconnectPolicy(IReadOnlyList<Uri> endpoints, ReconnectBackoff backoff, TimeSpan refusedDelay, TimeSpan maxHint,
        TimeProvider time, Random? random = null)
    {
        if (endpoints.Count == 0) throw new ArgumentException("at least one gateway address is needed", nameof(endpoints));
        _endpoints = endpoints;
        _backoff = backoff;
        _refusedDelay = refusedDelay;
        _maxHint = maxHint;
        _time = time;
        _random = random ?? Random.Shared;
        _notBefore = new DateTimeOffset[endpoints.Count];
    }

    /// <summary>The address of the current (or next) attempt; the first one until an attempt fails.</summary>
    public Uri Current => _endpoints[_current];

    /// <summary>Records how the attempt at <see cref="Current"/> ended and plans the next one (which becomes current).</summary>
    public ReconnectPlan After(AttemptOutcome outcome)
    {
        var now = _time.GetUtcNow();
        if (outcome.ResetsBackoff) _backoff.Reset();

        var hinted = TimeSpan.Zero;
        if (outcome.RetryAfter is { } hint && hint > TimeSpan.Zero)
        {
            hinted = Jitter(hint < _maxHint ? hint : _maxHint);
            if (now + hinted > _notBefore[_current]) _notBefore[_current] = now + hinted;
        }

        var next = Choose(now, avoidCurrent: outcome.End == AttemptEnd.GoingAway);
        var wait = _notBefore[next] - now;
        if (outcome.End == AttemptEnd.GoingAway && hinted > wait) wait = hinted;
        _current = next;

        if (outcome.End == AttemptEnd.Refused)
            return new ReconnectPlan(Current, wait > _refusedDelay ? wait : _refusedDelay, wait > _refusedDelay);
        // The gateway steers: its hint replaces the backoff (which would otherwise grow with every turned-away attempt).
        return wait > TimeSpan.Zero ? new ReconnectPlan(Current, wait, true) : new ReconnectPlan(Current, _backoff.Next(), false);
    }

    /// <summary>
    /// The next address in rotation order whose hint has run out; when every one is held by a hint, the one free
    /// soonest. The address just tried comes last, and not at all after a going-away when there is another.
    /// </summary>
    private int Choose(DateTimeOffset now, bool avoidCurrent)
    {
        var count = _endpoints.Count;
        if (count == 1) return 0;
        var candidates = Enumerable.Range(1, avoidCurrent ? count - 1 : count).Select(offset => (_current + offset) % count).ToList();
        foreach (var candidate in candidates)
            if (_notBefore[candidate] <= now) return candidate;
        return candidates.MinBy(candidate => _notBefore[candidate]);
    }

    /// <summary>Uniform in [hint, 1.5 x hint]: never sooner than asked, and spread.</summary>
    private TimeSpan Jitter(TimeSpan hint) => hint + TimeSpan.FromTicks((long)(_random.NextDouble() * hint.Ticks / 2));
}
