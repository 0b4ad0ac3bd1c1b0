using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Connection;

/// <summary>Where and when the unit reconnects: the next address after a failure, backoff, and the gateway's hints.</summary>
public sealed class ReconnectPolicyTests
{
    private static readonly Uri A = new("ws://127.0.0.1:5081/ws/units");
    private static readonly Uri B = new("ws://127.0.0.1:5082/ws/units");
    private static readonly Uri C = new("ws://127.0.0.1:5083/ws/units");
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxHint = TimeSpan.FromMinutes(5);

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    private ReconnectPolicy Policy(int seed, params Uri[] endpoints) =>
        new(endpoints, new ReconnectBackoff(Min, Max, new Random(seed)), Max, MaxHint, _clock, new Random(seed + 1000));

    private static readonly AttemptOutcome Failed = new(AttemptEnd.Failed);

    [Fact]
    public void The_first_address_is_tried_first_and_each_failure_moves_to_the_next_one_round_the_list()
    {
        var policy = Policy(1, A, B, C);
        Assert.Equal(A, policy.Current);

        var visited = Enumerable.Range(0, 6).Select(_ => policy.After(Failed).Endpoint).ToList();

        Assert.Equal([B, C, A, B, C, A], visited);
    }

    [Fact]
    public void Without_hints_the_delay_is_the_backoff_and_a_stable_session_starts_it_over()
    {
        var policy = Policy(2, A, B);
        var delays = Enumerable.Range(0, 8).Select(_ => policy.After(Failed)).ToList();
        Assert.All(delays, plan => Assert.False(plan.Hinted));
        Assert.All(delays, plan => Assert.InRange(plan.Delay, Min, Max));
        Assert.Contains(delays, plan => plan.Delay > 4 * Min);

        Assert.Equal(Min, policy.After(new AttemptOutcome(AttemptEnd.Failed, ResetsBackoff: true)).Delay);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void With_one_address_a_hint_is_waited_out_with_jitter_between_the_hint_and_one_and_a_half_times_it(int seed)
    {
        var policy = Policy(seed, A);
        var hint = TimeSpan.FromSeconds(4);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 50; i++)
        {
            var plan = policy.After(new AttemptOutcome(AttemptEnd.Failed, hint));
            Assert.Equal(A, plan.Endpoint);
            Assert.True(plan.Hinted);
            Assert.InRange(plan.Delay, hint, hint * 1.5);
            delays.Add(plan.Delay);
            _clock.Now += plan.Delay;
        }
        // Spread, not lock-step: units turned away together come back at different times.
        Assert.True(delays.Distinct().Count() > 40);
    }

    [Fact]
    public void Hints_do_not_grow_the_backoff()
    {
        var policy = Policy(3, A);
        for (var i = 0; i < 20; i++)
        {
            var plan = policy.After(new AttemptOutcome(AttemptEnd.Failed, TimeSpan.FromMilliseconds(500)));
            _clock.Now += plan.Delay;
        }
        // The first unhinted failure after many hinted ones starts the backoff from its minimum.
        Assert.Equal(Min, policy.After(Failed).Delay);
    }

    [Fact]
    public void A_gateway_that_asked_for_time_is_not_tried_again_before_its_hint_while_the_others_are()
    {
        var policy = Policy(4, A, B);
        var hint = TimeSpan.FromSeconds(20);
        var hintedAt = _clock.Now;

        // A turns the unit away: B is tried on the usual backoff.
        var toB = policy.After(new AttemptOutcome(AttemptEnd.Failed, hint));
        Assert.Equal(B, toB.Endpoint);
        Assert.False(toB.Hinted);
        _clock.Now += toB.Delay;

        // B fails quickly, again and again: the unit stays on B until A's hint has run out.
        while (true)
        {
            var plan = policy.After(Failed);
            var attemptAt = _clock.Now + plan.Delay;
            if (plan.Endpoint == A)
            {
                Assert.True(attemptAt - hintedAt >= hint, $"A retried after {(attemptAt - hintedAt).TotalSeconds} s, hint {hint.TotalSeconds} s");
                break;
            }
            Assert.Equal(B, plan.Endpoint);
            _clock.Now = attemptAt;
        }
    }

    [Fact]
    public void When_every_address_asked_for_time_the_one_free_soonest_is_waited_for()
    {
        var policy = Policy(5, A, B);
        _ = policy.After(new AttemptOutcome(AttemptEnd.Failed, TimeSpan.FromSeconds(60))); // A for 60-90 s
        var plan = policy.After(new AttemptOutcome(AttemptEnd.Failed, TimeSpan.FromSeconds(10))); // B for 10-15 s

        Assert.Equal(B, plan.Endpoint);
        Assert.True(plan.Hinted);
        Assert.InRange(plan.Delay, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Going_away_waits_the_hint_and_moves_to_another_address()
    {
        var policy = Policy(6, A, B, C);
        var connected = policy.After(Failed); // now on B
        Assert.Equal(B, connected.Endpoint);

        var plan = policy.After(new AttemptOutcome(AttemptEnd.GoingAway, TimeSpan.FromSeconds(3), ResetsBackoff: true));

        Assert.NotEqual(B, plan.Endpoint);
        Assert.True(plan.Hinted);
        Assert.InRange(plan.Delay, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public void Going_away_without_a_hint_moves_on_at_the_backoff_and_with_one_address_comes_back_after_the_hint()
    {
        var three = Policy(7, A, B, C);
        var plan = three.After(new AttemptOutcome(AttemptEnd.GoingAway, ResetsBackoff: true));
        Assert.Equal(B, plan.Endpoint);
        Assert.Equal(Min, plan.Delay);

        var one = Policy(8, A);
        var back = one.After(new AttemptOutcome(AttemptEnd.GoingAway, TimeSpan.FromSeconds(2)));
        Assert.Equal(A, back.Endpoint);
        Assert.InRange(back.Delay, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_refused_token_waits_the_longest_delay_and_an_absurd_hint_is_capped()
    {
        Assert.Equal(Max, Policy(9, A, B).After(new AttemptOutcome(AttemptEnd.Refused)).Delay);

        var capped = Policy(10, A).After(new AttemptOutcome(AttemptEnd.Failed, TimeSpan.FromDays(24)));
        Assert.InRange(capped.Delay, MaxHint, MaxHint * 1.5);
    }

    [Theory]
    [InlineData("3", 3.0)]
    [InlineData(" 120 ", 120.0)]
    [InlineData("Sat, 05 Dec 2026 12:00:30 GMT", 30.0)]
    [InlineData("0", null)]
    [InlineData("Sat, 05 Dec 2026 11:00:00 GMT", null)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    public void Retry_after_is_read_as_seconds_or_an_http_date(string value, double? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, RetryAfterHeader.Parse(value, _clock.Now));
}
