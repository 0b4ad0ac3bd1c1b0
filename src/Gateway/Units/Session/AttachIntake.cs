using Akka.Actor;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Decides what an attach becomes (<see cref="Decide"/>; ADR 2: the last attach wins, by epoch) and holds the attaches
/// whose epoch is being stored: the epoch is reserved at once, so the session keeps serving while the journal writes
/// (PersistAsync) and an attach decided later, even one stored first, still wins. Pure: no actor, no clock of its own.
/// </summary>
public sealed class AttachIntake
{
    private readonly HashSet<IActorRef> _storing = [];
    private long _lastAssignedEpoch;

    public AttachDecision Decide(Attach attach, IActorRef? current, UnitSessionState state, DateTimeOffset now)
    {
        // Connections repeat an unanswered attach (the first may have gone to a node that died), so a repeat is
        // answered, never treated as a new connection: the current one hears its epoch again, one being stored waits.
        if (attach.Connection.Equals(current)) return AttachDecision.Confirm.Instance;
        if (_storing.Contains(attach.Connection)) return new AttachDecision.Ignore("its attach is being stored");

        // Reached only after its connection gave up (queued behind a recovery in a reconnect storm): that socket is
        // closed, so an epoch stored for it would only lengthen every later recovery. The unit's next connection attaches.
        if (attach.GiveUpAt is { } giveUpAt && giveUpAt <= now) return new AttachDecision.Ignore("its connection gave up before it arrived");

        // A connection re-attaching after a session move must not take over from a newer one.
        if (attach.KnownEpoch > 0 && attach.KnownEpoch < state.Epoch) return new AttachDecision.Supersede(state.Epoch);

        _storing.Add(attach.Connection);
        _lastAssignedEpoch = Math.Max(_lastAssignedEpoch, state.Epoch) + 1;
        return new AttachDecision.Store(new ConnectionAttached(_lastAssignedEpoch, now, attach.Software));
    }

    /// <summary>
    /// The epoch of <paramref name="connection"/> is durable. False when a later attach was decided meanwhile: that one
    /// wins, and this connection is superseded by <see cref="LatestEpoch"/>.
    /// </summary>
    public bool Stored(IActorRef connection, long epoch)
    {
        _storing.Remove(connection);
        return epoch >= _lastAssignedEpoch;
    }

    /// <summary>The newest epoch handed out.</summary>
    public long LatestEpoch => _lastAssignedEpoch;
}
