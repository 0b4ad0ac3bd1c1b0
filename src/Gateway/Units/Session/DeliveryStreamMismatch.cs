using System.Globalization;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// The unit's delivery stream disagrees with the gateway's (found at attach, from <c>hello.lastAppliedSeq</c>).
/// Deliveries are held until an operator resyncs (docs/operations.md, "A unit restored from a backup").
/// </summary>
/// <param name="State"><see cref="UnitBehind"/> or <see cref="UnitAhead"/>.</param>
/// <param name="UnitLastAppliedSeq">The unit's <c>hello.lastAppliedSeq</c>.</param>
/// <param name="GatewaySettledSeq">Where the gateway holds the unit's stream to be (the highest settled seq, or the last resync's base).</param>
/// <param name="GatewayLastWriteSeq">The highest delivery seq the gateway ever assigned.</param>
/// <param name="MissingAtUnit">Unit behind: seqs the gateway holds as settled that the unit no longer has.</param>
/// <param name="MissingOperationIds">Those of them the gateway still remembers (settled writes are retained, bounded), in seq order.</param>
public sealed record DeliveryStreamMismatch(
    string State,
    long UnitLastAppliedSeq,
    long GatewaySettledSeq,
    long GatewayLastWriteSeq,
    long MissingAtUnit,
    IReadOnlyList<string> MissingOperationIds,
    DateTimeOffset DetectedAt)
{
    /// <summary>The unit's store is older than what the gateway settled (restored from a backup).</summary>
    public const string UnitBehind = "unit-behind";

    /// <summary>The unit applied seqs the gateway never assigned (the gateway's journal was restored or lost events).</summary>
    public const string UnitAhead = "unit-ahead";

    /// <summary>One line for logs, ops events and the CLI.</summary>
    public string Describe() => State == UnitBehind
        ? string.Create(CultureInfo.InvariantCulture,
            $"restored: unit at seq {UnitLastAppliedSeq}, gateway settled up to {GatewaySettledSeq}, {MissingAtUnit} settled writes the unit no longer has")
        : string.Create(CultureInfo.InvariantCulture,
            $"ahead: unit at seq {UnitLastAppliedSeq}, gateway assigned up to {GatewayLastWriteSeq}; new writes would be refused as out_of_order");
}
