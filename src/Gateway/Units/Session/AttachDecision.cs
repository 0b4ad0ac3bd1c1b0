using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>What a session does with one <see cref="UnitSessionCommands.Attach"/> (decided by <see cref="AttachIntake"/>).</summary>
public abstract record AttachDecision
{
    /// <summary>The current connection repeating its attach: it hears its epoch again.</summary>
    public sealed record Confirm : AttachDecision { public static readonly Confirm Instance = new(); }

    /// <summary>Nothing to do: the same connection's attach is being stored, or its connection gave up before it got here.</summary>
    public sealed record Ignore(string Why) : AttachDecision;

    /// <summary>A connection re-attaching after a session move, but a newer one attached since: it is superseded.</summary>
    public sealed record Supersede(long ByEpoch) : AttachDecision;

    /// <summary>A new connection: its epoch is reserved; persist it, and the connection hears "attached" once durable.</summary>
    public sealed record Store(ConnectionAttached Event) : AttachDecision;
}
