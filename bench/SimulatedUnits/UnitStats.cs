using System.Text.Json;

namespace HealthGateway.Bench.SimulatedUnits;

/// <summary>Counters over all simulated units of this process, written to a status file for bench/run.sh.</summary>
public sealed class UnitStats
{
    private long _attached, _registered, _requests, _applied, _acksSent, _connectFailures, _refusedWithHint, _lastAckSentTicks, _firstAttachedTicks;

    public long Attached => Interlocked.Read(ref _attached);
    public long Applied => Interlocked.Read(ref _applied);

    public void OnAttached()
    {
        Interlocked.Increment(ref _attached);
        Interlocked.CompareExchange(ref _firstAttachedTicks, DateTime.UtcNow.Ticks, 0);
    }
    public void OnDetached() => Interlocked.Decrement(ref _attached);
    public void OnRegistered() => Interlocked.Increment(ref _registered);
    public void OnRequest() => Interlocked.Increment(ref _requests);
    public void OnApplied() => Interlocked.Increment(ref _applied);
    public void OnConnectFailure() => Interlocked.Increment(ref _connectFailures);
    /// <summary>An upgrade refused 503 with a Retry-After (admission control).</summary>
    public void OnRefusedWithHint() => Interlocked.Increment(ref _refusedWithHint);

    public void OnAckSent()
    {
        Interlocked.Increment(ref _acksSent);
        Interlocked.Exchange(ref _lastAckSentTicks, DateTime.UtcNow.Ticks);
    }

    /// <summary>One JSON line; times in Unix milliseconds so a shell script can subtract them.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, long>
    {
        ["attached"] = Attached,
        ["registered"] = Interlocked.Read(ref _registered),
        ["requests"] = Interlocked.Read(ref _requests),
        ["applied"] = Applied,
        ["acksSent"] = Interlocked.Read(ref _acksSent),
        ["connectFailures"] = Interlocked.Read(ref _connectFailures),
        ["refusedWithHint"] = Interlocked.Read(ref _refusedWithHint),
        ["firstAttachedUnixMs"] = ToUnixMs(Interlocked.Read(ref _firstAttachedTicks)),
        ["lastAckSentUnixMs"] = ToUnixMs(Interlocked.Read(ref _lastAckSentTicks)),
        ["nowUnixMs"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
    });

    private static long ToUnixMs(long ticks) => ticks == 0 ? 0 : new DateTimeOffset(ticks, TimeSpan.Zero).ToUnixTimeMilliseconds();
}
