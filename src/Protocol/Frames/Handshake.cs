namespace HealthGateway.Protocol.Frames;

/// <summary>
/// unit -> gateway, first frame after the upgrade. <paramref name="LastAppliedSeq"/> is the highest
/// <see cref="Deliver"/> seq the unit has applied, so the gateway redelivers only what follows.
/// </summary>
public sealed record Hello(int ProtocolVersion, string UnitId, string Software, long LastAppliedSeq) : Frame
{
    public override string? Validate() =>
        CheckId(UnitId, "unitId")
        ?? (LastAppliedSeq < 0 ? "'lastAppliedSeq' must be >= 0" : null)
        ?? (Software.Length > 200 ? "'software' is longer than 200 characters" : null);
}

/// <summary>
/// gateway -> unit, answers <see cref="Hello"/> once the session is attached.
/// <paramref name="LastEventSeq"/> is the highest unit event seq the gateway holds durably:
/// the unit sends its outbox from the next one on. <paramref name="MaxEventBatchesInFlight"/> (optional, added in a
/// v1 revision) is how many event batches the unit may have unacknowledged; one more closes the connection.
/// </summary>
public sealed record Welcome(long SessionEpoch, long LastEventSeq, int HeartbeatSeconds, int MaxFrameBytes, int? MaxEventBatchesInFlight = null) : Frame
{
    public override string? Validate() =>
        MaxEventBatchesInFlight < 1 ? "'maxEventBatchesInFlight' must be >= 1" : null;
}
