using static HealthGateway.Gateway.Sessions.UnitSessionEvents;

namespace HealthGateway.Gateway.Sessions;

/// <summary>
/// The durable part of a unit's session, as a plain object so its rules are tested without actors.
/// <see cref="UnitSessionActor"/> decides, persists, then folds each event in with <see cref="Apply"/>.
/// </summary>
public sealed class UnitSessionState
{
    public long Epoch { get; private set; }
    public long LastEventSeq { get; private set; }
    public DateTimeOffset? LastAttachedAt { get; private set; }
    public string? Software { get; private set; }

    public ConnectionAttached Attach(string software, DateTimeOffset now) => new(Epoch + 1, now, software);

    /// <summary>The changes of a batch not yet accepted, in order (redeliveries are dropped here).</summary>
    public IReadOnlyList<UnitChange> Unseen(IReadOnlyList<UnitChange> batch) =>
        batch.Where(c => c.Seq > LastEventSeq).ToList();

    public void Apply(IUnitSessionEvent e)
    {
        switch (e)
        {
            case ConnectionAttached a:
                Epoch = a.Epoch;
                LastAttachedAt = a.At;
                Software = a.Software;
                break;
            case UnitChangesAccepted c:
                LastEventSeq = Math.Max(LastEventSeq, c.UpToSeq);
                break;
            case UnitSessionSnapshot s:
                Epoch = s.Epoch;
                LastEventSeq = s.LastEventSeq;
                LastAttachedAt = s.LastAttachedAt;
                Software = s.Software;
                break;
        }
    }

    public UnitSessionSnapshot ToSnapshot() => new(Epoch, LastEventSeq, LastAttachedAt, Software);
}
