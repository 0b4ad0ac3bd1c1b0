namespace HealthGateway.Gateway.Ops;

/// <summary>Writes for a unit by state: the backlog (queued, delivered) and the retained settled ones.</summary>
public sealed record OperationCounts(int Queued, int Delivered, int Applied, int Rejected, int Expired);

/// <summary>
/// A unit's session as ops sees it. <see cref="Delivered"/> counts writes the unit has settled (all time),
/// <see cref="Applied"/> the unit's own changes the gateway has applied (its event seq). <see cref="DeliveryMismatch"/>
/// is set while deliveries are held because the unit's store disagrees with the gateway's (restored from a backup, or
/// ahead of it); <see cref="LastResync"/> is the last operator resync (docs/operations.md).
/// </summary>
public sealed record UnitSummary(
    string UnitId,
    bool Connected,
    string? Node,
    DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastSeen,
    string? ProtocolVersion,
    string? SoftwareVersion,
    int Backlog,
    double? OldestBufferedAgeSeconds,
    long Delivered,
    long Applied,
    OperationCounts Operations,
    Units.Session.DeliveryStreamMismatch? DeliveryMismatch = null,
    Units.Session.DeliveryStreamRebased? LastResync = null)
{
    /// <summary>A unit only known from the patient directory: its session is asleep and has not reported since this node started.</summary>
    public static UnitSummary Unreported(string unitId) =>
        new(unitId, false, null, null, null, null, null, 0, null, 0, 0, new OperationCounts(0, 0, 0, 0, 0));
}

/// <summary><c>GET /api/v1/ops/units/{unitId}</c>: the summary plus where its session lives.</summary>
public sealed record UnitDetail(
    string UnitId,
    bool Connected,
    string? Node,
    DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastSeen,
    string? ProtocolVersion,
    string? SoftwareVersion,
    int Backlog,
    double? OldestBufferedAgeSeconds,
    long Delivered,
    long Applied,
    OperationCounts Operations,
    string? SessionNode,
    string ShardId,
    Units.Session.DeliveryStreamMismatch? DeliveryMismatch = null,
    Units.Session.DeliveryStreamRebased? LastResync = null)
{
    public static UnitDetail From(UnitSummary s, string? sessionNode, string shardId) =>
        new(s.UnitId, s.Connected, s.Node, s.ConnectedSince, s.LastSeen, s.ProtocolVersion, s.SoftwareVersion, s.Backlog,
            s.OldestBufferedAgeSeconds, s.Delivered, s.Applied, s.Operations, sessionNode, shardId, s.DeliveryMismatch, s.LastResync);
}
