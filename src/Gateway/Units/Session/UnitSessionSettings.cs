namespace HealthGateway.Gateway.Units.Session;

/// <summary>The limits a <see cref="UnitSessionActor"/> enforces, from <see cref="GatewayOptions"/>.</summary>
public sealed record UnitSessionSettings(
    TimeSpan IdlePassivation,
    int MaxBacklog,
    int DeliveryWindow,
    int FinishedRetention,
    TimeSpan? DeliveryAckTimeout = null,
    TimeSpan? SnapshotDelay = null)
{
    public TimeSpan AckTimeout => DeliveryAckTimeout ?? TimeSpan.FromSeconds(10);

    public static UnitSessionSettings From(GatewayOptions options) => new(
        options.SessionIdlePassivation, options.MaxBacklogPerUnit, options.DeliveryWindow, options.OperationRetentionPerUnit,
        options.DeliveryAckTimeout, options.SessionSnapshotDelay);
}
