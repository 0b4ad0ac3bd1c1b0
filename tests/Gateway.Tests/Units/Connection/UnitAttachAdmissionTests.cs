using HealthGateway.Gateway.Units.Connection;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Tests.Units.Connection;

public sealed class UnitAttachAdmissionTests
{
    private readonly SteppedClock _clock = new();

    private UnitAttachAdmission Admission(int perSecond, int burst, int maxRetryAfterSeconds = 120) =>
        new(Options.Create(new UnitAdmissionOptions { AttachesPerSecond = perSecond, Burst = burst, MaxRetryAfterSeconds = maxRetryAfterSeconds }), _clock);

    [Fact]
    public void Admits_the_burst_at_once_then_the_sustained_rate()
    {
        var admission = Admission(perSecond: 10, burst: 5);

        Assert.Equal(5, Enumerable.Range(0, 20).Count(_ => admission.TryAdmit(out TimeSpan _)));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, Enumerable.Range(0, 20).Count(_ => admission.TryAdmit(out TimeSpan _))); // refilled up to the burst only
        _clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(3, Enumerable.Range(0, 20).Count(_ => admission.TryAdmit(out TimeSpan _)));
    }

    [Fact]
    public void Refused_callers_are_told_successive_slots_so_they_do_not_return_together()
    {
        var admission = Admission(perSecond: 10, burst: 1);
        Assert.True(admission.TryAdmit(out _));

        var hints = Enumerable.Range(0, 30).Select(_ => admission.TryAdmit(out var wait) ? TimeSpan.Zero : wait).ToList();

        // One interval apart: the 30 refused come back over 3 s, at the admitted rate.
        for (var i = 0; i < hints.Count; i++) Assert.Equal(100.0 * (i + 1), hints[i].TotalMilliseconds, 1.0);
    }

    [Fact]
    public void Promises_already_past_do_not_delay_later_callers()
    {
        var admission = Admission(perSecond: 10, burst: 1);
        Assert.True(admission.TryAdmit(out _));
        for (var i = 0; i < 10; i++) admission.TryAdmit(out _);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(admission.TryAdmit(out _));
        Assert.False(admission.TryAdmit(out var wait));
        Assert.Equal(100.0, wait.TotalMilliseconds, 1.0);
    }

    [Fact]
    public void No_hint_is_longer_than_the_configured_maximum()
    {
        var admission = Admission(perSecond: 1, burst: 1, maxRetryAfterSeconds: 5);
        Assert.True(admission.TryAdmit(out _));

        var hints = Enumerable.Range(0, 20).Select(_ => { admission.TryAdmit(out var wait); return wait; }).ToList();

        Assert.All(hints, h => Assert.InRange(h, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), hints[^1]);
    }

    [Fact]
    public void Shutdown_hints_are_one_interval_apart_with_jitter_within_the_interval()
    {
        var admission = Admission(perSecond: 4, burst: 1);

        for (var i = 0; i < 10; i++)
            Assert.InRange(admission.ShutdownHint(i), TimeSpan.FromMilliseconds(250 * i), TimeSpan.FromMilliseconds(250 * (i + 1)));
    }
}
