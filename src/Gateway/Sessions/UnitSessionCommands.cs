using Akka.Actor;

namespace HealthGateway.Gateway.Sessions;

/// <summary>Messages a <see cref="UnitSessionActor"/> accepts, routed by unit id through sharding.</summary>
public static class UnitSessionCommands
{
    /// <summary>A connection that completed the handshake asks to become the unit's current one.</summary>
    public sealed record Attach(string UnitId, IActorRef Connection, string Software, long LastAppliedSeq) : IWithUnitId;

    /// <summary>The connection is closing; ignored unless it is the current one.</summary>
    public sealed record Detach(string UnitId, IActorRef Connection) : IWithUnitId;

    /// <summary>A volatile read for the unit; answered by the connection (or at once if offline).</summary>
    public sealed record RouteRead(
        string UnitId,
        string RequestId,
        string Operation,
        string PatientId,
        DateTimeOffset Deadline,
        string? CorrelationId) : IWithUnitId;

    /// <summary>Changes the unit reported, in seq order; acknowledged once durable.</summary>
    public sealed record AcceptUnitChanges(string UnitId, long Epoch, IReadOnlyList<UnitChange> Changes) : IWithUnitId;

    /// <summary>Asks for a <see cref="UnitSessionReplies.SessionStatus"/>.</summary>
    public sealed record GetStatus(string UnitId) : IWithUnitId;

    /// <summary>
    /// Hand-off and passivation stop message. Unlike PoisonPill it waits for writes in flight
    /// (akka.net #7090), so no acknowledged command is lost when a shard moves.
    /// </summary>
    public sealed record Stop
    {
        public static readonly Stop Instance = new();
    }
}

/// <summary>What a <see cref="UnitSessionActor"/> sends back.</summary>
public static class UnitSessionReplies
{
    /// <summary>To the connection: it is now current under <paramref name="Epoch"/>.</summary>
    public sealed record Attached(string UnitId, long Epoch, long LastEventSeq);

    /// <summary>To the previous connection: a newer one took over.</summary>
    public sealed record Superseded(string UnitId, long ByEpoch);

    /// <summary>To the connection: unit changes up to <paramref name="UpToSeq"/> are durable.</summary>
    public sealed record ChangesAcknowledged(string UnitId, long Epoch, long UpToSeq);

    public sealed record SessionStatus(
        string UnitId,
        bool Connected,
        long Epoch,
        long LastEventSeq,
        DateTimeOffset? LastAttachedAt,
        string? Software,
        string? ConnectionPath,
        string SessionNode);
}
