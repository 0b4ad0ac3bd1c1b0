namespace HealthGateway.Gateway.Ops;

/// <summary>
/// What a <see cref="Units.Session.UnitSessionActor"/> tells its node's <see cref="UnitSessionIndexActor"/> about itself
/// (on attach/detach/stop, and at most once a second while anything changes). Plain values: it crosses nodes.
/// </summary>
public sealed record UnitSessionReport(
    string UnitId,
    bool Connected,
    string? ConnectionNode,
    DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastSeen,
    string? Software,
    int Backlog,
    DateTimeOffset? OldestBufferedAt,
    long Delivered,
    long Applied,
    OperationCounts Operations,
    string SessionNode,
    bool Awake,
    DateTimeOffset ReportedAt,
    Units.Session.DeliveryStreamMismatch? DeliveryMismatch = null,
    Units.Session.DeliveryStreamRebased? LastResync = null)
{
    public UnitSummary ToSummary(DateTimeOffset now, DateTimeOffset? lastSeen) => new(
        UnitId, Connected, Connected ? ConnectionNode : null, Connected ? ConnectedSince : null, lastSeen ?? LastSeen,
        Connected ? Protocol.ProtocolConstants.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        Software, Backlog, OldestBufferedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : null,
        Delivered, Applied, Operations, DeliveryMismatch, LastResync);
}
