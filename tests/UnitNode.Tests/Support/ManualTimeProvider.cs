namespace HealthGateway.UnitNode.Tests.Support;

/// <summary>A clock the test sets; only wall-clock reads are faked (timers stay real).</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
