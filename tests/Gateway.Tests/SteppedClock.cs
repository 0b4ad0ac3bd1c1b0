namespace HealthGateway.Gateway.Tests;

/// <summary>Monotonic time the test moves (for classes that read only timestamps).</summary>
public sealed class SteppedClock : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
