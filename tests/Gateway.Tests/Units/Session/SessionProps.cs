using Akka.Actor;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>A session wired as the gateway wires it (ops index, patients' feeds), without an audit trail.</summary>
internal static class SessionProps
{
    public static Props For(string unitId, PatientDirectory directory, UnitSessionSettings settings, IActorRef? patientFeeds = null) =>
        UnitSessionActor.Props(unitId, new UnitChangeIntake(directory, null), settings,
            [UnitSessionIndexReporter.Factory, PatientFeedSessionObserver.To(patientFeeds ?? ActorRefs.Nobody)]);
}
