using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Session.UnitSessionNotice;

namespace HealthGateway.Gateway.Push;

/// <summary>
/// A session's observer that tells patients' live feeds what became durable: a write's new state (stored, first
/// delivered, settled) and the unit's accepted changes. Fire-and-forget; a refused change reaches no patient (a unit
/// cannot push news into another unit's patient's stream).
/// </summary>
public sealed class PatientFeedSessionObserver(IActorRef feeds) : IUnitSessionObserver
{
    public void On(UnitSessionNotice notice, IUnitSessionView session)
    {
        switch (notice)
        {
            case WriteStored stored:
                feeds.Tell(PatientNotifications.OperationStatus(stored.State, DateTimeOffset.UtcNow));
                break;
            case SettlementsStored settled:
                foreach (var state in settled.States) feeds.Tell(PatientNotifications.OperationStatus(state, DateTimeOffset.UtcNow));
                break;
            case DeliveriesSent sent:
                foreach (var state in sent.FirstDelivered) feeds.Tell(PatientNotifications.OperationStatus(state, DateTimeOffset.UtcNow));
                break;
            case UnitChangesStored changes:
                foreach (var verdict in changes.Verdicts)
                    if (verdict.Accepted && PatientNotifications.UnitChange(verdict.Change) is { } publish) feeds.Tell(publish);
                break;
        }
    }

    /// <summary>Sessions tell <paramref name="feeds"/> (tests: a probe).</summary>
    public static IUnitSessionObserverFactory To(IActorRef feeds) => new Factory(_ => feeds);

    /// <summary>Sessions tell this node's <see cref="PatientFeedRegion"/>; a host that has none publishes nowhere.</summary>
    public static IUnitSessionObserverFactory ToRegion(IActorRegistry registry) =>
        new Factory(_ => registry.TryGet<PatientFeedRegion>(out var region) ? region : null);

    private sealed class Factory(Func<IActorContext, IActorRef?> feeds) : IUnitSessionObserverFactory
    {
        public IUnitSessionObserver Create(IActorContext session, string unitId) =>
            new PatientFeedSessionObserver(feeds(session) ?? ActorRefs.Nobody);
    }
}
