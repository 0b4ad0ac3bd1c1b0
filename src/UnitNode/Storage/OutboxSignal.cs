namespace HealthGateway.UnitNode.Storage;

/// <summary>
/// Raised after a transaction that appended outbox rows commits, so the sender wakes at once
/// instead of polling SQLite.
/// </summary>
public sealed class OutboxSignal
{
    public event Action? Appended;

    internal void NotifyAppended() => Appended?.Invoke();
}
