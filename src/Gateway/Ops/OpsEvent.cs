namespace HealthGateway.Gateway.Ops;

/// <summary>One event of <c>GET /api/v1/ops/events</c> (cluster member or unit connection).</summary>
public sealed record OpsEvent(string Type, DateTimeOffset At, string? Address = null, string? UnitId = null, string? Node = null, string? Detail = null);

/// <summary>The event type names of the ops event stream.</summary>
public static class OpsEventTypes
{
    public const string MemberUp = "member-up";
    public const string MemberLeft = "member-left";
    public const string MemberRemoved = "member-removed";
    public const string MemberUnreachable = "member-unreachable";
    public const string MemberReachable = "member-reachable";
    public const string UnitConnected = "unit-connected";
    public const string UnitDisconnected = "unit-disconnected";
    public const string UnitSuperseded = "unit-superseded";
    /// <summary>A unit's event about a patient it does not own (or with a broken payload) was refused.</summary>
    public const string PatientClaimRefused = "patient-claim-refused";
    public const string PatientReleased = "patient-released";
    /// <summary>A patient changed owner: a released patient registered by its new unit, or an admin transfer.</summary>
    public const string PatientTransferred = "patient-transferred";
    /// <summary>At attach: the unit's delivery stream disagrees with the gateway's; deliveries are held.</summary>
    public const string UnitDeliveryMismatch = "unit-delivery-mismatch";
    /// <summary>An operator resynced the unit's delivery stream.</summary>
    public const string UnitResynced = "unit-resynced";
}
