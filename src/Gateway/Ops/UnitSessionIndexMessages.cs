namespace HealthGateway.Gateway.Ops;

/// <summary>Messages a <see cref="UnitSessionIndexActor"/> accepts.</summary>
public static class UnitSessionIndexCommands
{
    /// <summary>A session's latest state; replaces older reports of that unit.</summary>
    public sealed record Report(UnitSessionReport Session);

    /// <summary>From a connection: the unit sent a protocol frame at <paramref name="At"/> (its pings included; WebSocket-level keep-alives are not visible).</summary>
    public sealed record Seen(string UnitId, DateTimeOffset At);

    /// <summary>Publish a unit event cluster-wide on the ops event topic.</summary>
    public sealed record PublishEvent(OpsEvent Event);
}

public static class UnitSessionIndexQueries
{
    /// <summary>Asks for this node's <see cref="UnitSessionIndexReplies.Reports"/>.</summary>
    public sealed record GetReports
    {
        public static readonly GetReports Instance = new();
    }
}

public static class UnitSessionIndexReplies
{
    /// <summary>This node's reports and last-seen times (the socket's node sees pings the session does not).</summary>
    public sealed record Reports(IReadOnlyList<UnitSessionReport> Sessions, IReadOnlyDictionary<string, DateTimeOffset> LastSeen);
}
