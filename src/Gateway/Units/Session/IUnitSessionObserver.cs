using Akka.Actor;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Learns what a session made durable (<see cref="UnitSessionNotice"/>). Ops, push, metrics and logs are observers:
/// they depend on the session, never the reverse (ADR 27). One instance per session, called on the session's thread.
/// </summary>
public interface IUnitSessionObserver
{
    void On(UnitSessionNotice notice, IUnitSessionView session);

    /// <summary>The session handled a message and may have changed (cheap: called for every message).</summary>
    void Touched() { }

    /// <summary>A <see cref="UnitSessionObserverTick"/> this observer scheduled came back to the session.</summary>
    void Tick(IUnitSessionView session) { }
}

/// <summary>Makes a session's observer; given the session's context to schedule <see cref="UnitSessionObserverTick"/>s to it.</summary>
public interface IUnitSessionObserverFactory
{
    IUnitSessionObserver Create(IActorContext session, string unitId);
}

/// <summary>A self-message an observer scheduled (e.g. a throttled report): the session hands it back to the observer.</summary>
public sealed record UnitSessionObserverTick(IUnitSessionObserver Observer);
