namespace HealthGateway.Gateway.Units.Session;

/// <summary>Messages a session schedules to itself.</summary>
public static class UnitSessionTimers
{
    /// <summary>Once per ack timeout while deliveries are in flight: resend the window if nothing was settled.</summary>
    public sealed record CheckAckProgress { public static readonly CheckAckProgress Instance = new(); }

    /// <summary>The attach snapshot's (or a failed snapshot's retry) time has come.</summary>
    public sealed record SnapshotDue { public static readonly SnapshotDue Instance = new(); }
}
