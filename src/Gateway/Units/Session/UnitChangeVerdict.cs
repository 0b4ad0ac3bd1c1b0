using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// What the directory made of one unit change: accepted (it may be published), or refused with a code from
/// <see cref="Protocol.Frames.EventRefusalCodes"/> and changed nothing. <paramref name="HeldBy"/> names the unit that
/// owns the patient when another unit's claim was refused; <paramref name="TransferredFrom"/> the unit that released
/// the patient when a registration took them over; <paramref name="TransferredTo"/> the claimant a release handed the
/// patient to at once. All are for the audit trail and ops, never told to the unit.
/// </summary>
public sealed record UnitChangeVerdict(UnitChange Change, string? RefusalCode = null, string? Reason = null,
    string? HeldBy = null, string? TransferredFrom = null, string? TransferredTo = null)
{
    public bool Accepted => RefusalCode is null;

    public static UnitChangeVerdict Accept(UnitChange change, string? transferredFrom = null) => new(change, TransferredFrom: transferredFrom);

    public static UnitChangeVerdict Refuse(UnitChange change, string code, string reason, string? heldBy = null) =>
        new(change, code, reason, heldBy);
}
