namespace HealthGateway.Gateway.Tests.Push;

/// <summary>A clock the test moves; only wall-clock reads are faked (timers stay real).</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
