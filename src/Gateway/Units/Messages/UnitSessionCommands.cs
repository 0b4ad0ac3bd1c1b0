using Akka.Actor;

namespace HealthGateway.Gateway.Units.Messages;

/// <summary>Messages a <c>UnitSessionActor</c> accepts, routed by unit id through sharding.</summary>
public static class UnitSessionCommands
{
    /// <summary>A connection that completed the handshake asks to become the unit's current one.</summary>
    /// <remarks>
    /// <paramref name="KnownEpoch"/> is 0 for a new connection, else the epoch it last held (re-attach).
    /// <paramref name="GiveUpAt"/>: when the connection stops waiting (its attach timeout); an attach still queued after
    /// that (a session recovering through a reconnect storm) persists no epoch for a socket that is already closed.
    /// </remarks>
    public sealed record Attach(string UnitId, IActorRef Connection, string Software, long LastAppliedSeq, long KnownEpoch = 0,
        DateTimeOffset? GiveUpAt = null) : IWithUnitId;

    /// <summary>The connection is closing; ignored unless it is the current one.</summary>
    public sealed record Detach(string UnitId, IActorRef Connection) : IWithUnitId;

    /// <summary>A volatile read for the unit; answered by the connection (or at once if offline).</summary>
    /// <remarks><paramref name="TraceParent"/>: W3C context of the gateway's read span, passed on in the request frame.</remarks>
    public sealed record RouteRead(
        string UnitId,
        string RequestId,
        string Operation,
        string PatientId,
        DateTimeOffset Deadline,
        string? CorrelationId,
        string? TraceParent = null) : IWithUnitId;

    /// <summary>Changes the unit reported, in seq order; acknowledged once durable.</summary>
    public sealed record AcceptUnitChanges(string UnitId, long Epoch, IReadOnlyList<UnitChange> Changes) : IWithUnitId;

    /// <summary>
    /// A durable write for the unit (<paramref name="TraceParent"/>: W3C context of the API call's write span, kept with the write). Answered once it is persisted (<see cref="UnitSessionReplies.OperationState"/>),
    /// or after the unit settles it if that happens within <paramref name="Wait"/>.
    /// </summary>
    public sealed record EnqueueWrite(
        string UnitId,
        string OperationId,
        string Operation,
        string PatientId,
        string PayloadJson,
        TimeSpan TimeToLive,
        string RequestedBy,
        string? IdempotencyKey,
        string? RequestHash,
        TimeSpan Wait,
        string? CorrelationId,
        string? TraceParent = null) : IWithUnitId;

    /// <summary>Asks for an <see cref="UnitSessionReplies.OperationState"/> (or <see cref="UnitSessionReplies.OperationUnknown"/>).</summary>
    public sealed record GetOperation(string UnitId, string OperationId) : IWithUnitId;

    /// <summary>From the connection: the unit acknowledged deliveries up to <paramref name="UpToSeq"/>.</summary>
    public sealed record DeliveriesAcknowledged(string UnitId, long Epoch, long UpToSeq, IReadOnlyList<Settlement> Outcomes) : IWithUnitId;

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

/// <summary>What a <c>UnitSessionActor</c> sends back.</summary>
public static class UnitSessionReplies
{
    /// <summary>To the connection: it is now current under <paramref name="Epoch"/>.</summary>
    public sealed record Attached(string UnitId, long Epoch, long LastEventSeq);

    /// <summary>To the previous connection: a newer one took over.</summary>
    public sealed record Superseded(string UnitId, long ByEpoch);

    /// <summary>To the connection: unit changes up to <paramref name="UpToSeq"/> are durable.</summary>
    public sealed record ChangesAcknowledged(string UnitId, long Epoch, long UpToSeq, IReadOnlyList<RefusedChange>? Refused = null);

    /// <summary>Where a write stands. Sent when it is durable, again when settled within the wait window.</summary>
    public sealed record OperationState(
        string OperationId,
        string Operation,
        string PatientId,
        OperationStatus Status,
        DateTimeOffset CreatedAt,
        DateTimeOffset ExpiresAt,
        DateTimeOffset? SettledAt,
        string? ResultJson,
        string? Reason,
        string RequestedBy)
    {
        public bool IsFinal => Status is OperationStatus.Applied or OperationStatus.Rejected or OperationStatus.Expired;
    }

    public sealed record OperationUnknown(string OperationId);

    /// <summary>The write was not accepted; nothing was stored.</summary>
    public sealed record WriteRefused(string OperationId, WriteRefusal Reason, string? ExistingOperationId = null);

    public sealed record SessionStatus(
        string UnitId,
        bool Connected,
        long Epoch,
        long LastEventSeq,
        DateTimeOffset? LastAttachedAt,
        string? Software,
        string? ConnectionPath,
        string SessionNode,
        int Backlog = 0,
        long LastWriteSeq = 0);

    /// <summary>To the connection: writes to send to the unit, in seq order.</summary>
    public sealed record Deliveries(string UnitId, long Epoch, IReadOnlyList<DeliveryItem> Items);
}

public enum WriteRefusal
{
    /// <summary>The unit's backlog is at its cap (503 + Retry-After).</summary>
    BacklogFull,
    /// <summary>The idempotency key was used before with a different request (409).</summary>
    IdempotencyConflict,
    /// <summary>The journal did not confirm the write (503; retry with the same Idempotency-Key).</summary>
    JournalUnavailable,
}
