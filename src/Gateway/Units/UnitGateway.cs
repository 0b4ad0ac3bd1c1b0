using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

namespace HealthGateway.Gateway.Units;

/// <summary>
/// The one entry the rest of the gateway uses to reach a unit (issue 13): a read, a write to submit, an operation to
/// query. It only knows where to ask (this node's socket or the unit's session); callers keep their deadlines, their
/// handling of a late answer and what the answer means to them.
/// </summary>
public sealed class UnitGateway(IRequiredActor<UnitSessionRegion> region, LocalUnitSockets localSockets)
{
    /// <summary>
    /// A volatile read: straight to the unit's socket when this node holds it and its session confirmed it (ADR 10, 23),
    /// otherwise through the session, which forwards it to wherever the unit is connected or answers offline at once.
    /// The answer is a <c>ReadReplies</c> record, or null when the socket's wait ended (deadline or <paramref name="ct"/>);
    /// an ask through the session that outlives <paramref name="timeout"/> throws <see cref="AskTimeoutException"/>.
    /// </summary>
    public Task<object?> ReadAsync(RouteRead read, TimeSpan timeout, CancellationToken ct) =>
        // No async layer of its own: this is on every routed read.
        localSockets.TryGet(read.UnitId, out var socket)
            ? socket.ReadAsync(read, timeout, ct)
            : region.ActorRef.Ask<object?>(read, timeout, ct);

    /// <summary>
    /// A durable write for the unit's session: an <c>OperationState</c> once it is persisted (or settled within the
    /// write's wait), or a <c>WriteRefused</c>; <see cref="AskTimeoutException"/> when durability is not confirmed in time.
    /// </summary>
    public Task<object> SubmitWriteAsync(EnqueueWrite write, TimeSpan timeout) => region.ActorRef.Ask<object>(write, timeout);

    /// <summary>Where an operation stands: an <c>OperationState</c> or <c>OperationUnknown</c>; <see cref="AskTimeoutException"/> when the session does not answer in time.</summary>
    public Task<object> QueryOperationAsync(GetOperation query, TimeSpan timeout) => region.ActorRef.Ask<object>(query, timeout);
}
