using Akka.Actor;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>A read-only look at a session, for its observers and queries (ops reports, status).</summary>
public interface IUnitSessionView
{
    string UnitId { get; }

    /// <summary>The cluster address of the node the session lives on.</summary>
    string SessionNode { get; }

    UnitSessionState State { get; }

    /// <summary>The current connection, if any.</summary>
    IActorRef? Connection { get; }

    /// <summary>The current connection's software (from its hello).</summary>
    string? ConnectionSoftware { get; }

    /// <summary>Deliveries sent on this connection and not settled yet.</summary>
    int InFlight { get; }

    /// <summary>When the unit was last heard from (any message from its connection, attach, detach).</summary>
    DateTimeOffset? LastSeen { get; }

    /// <summary>Set while deliveries wait for an operator's resync.</summary>
    DeliveryStreamMismatch? DeliveryMismatch { get; }
}
