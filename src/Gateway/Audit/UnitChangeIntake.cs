using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// Where a unit's changes enter the gateway: the directory judges them (a unit acts only on its own patients), and the
/// audit trail records every refused claim and every release or takeover before the session acknowledges anything.
/// </summary>
public sealed class UnitChangeIntake(PatientDirectory directory, AuditLog? audit) : IUnitChangeJudge
{
    public const string AuditResource = "unit-events";
    private const int MaxTargetLength = 500;

    /// <exception cref="AuditUnavailableException">An audit row could not be stored: nothing is acknowledged, the unit resends.</exception>
    public async Task<IReadOnlyList<UnitChangeVerdict>> JudgeAsync(string unitId, IReadOnlyList<UnitChange> changes, CancellationToken ct)
    {
        var verdicts = await directory.ApplyAsync(unitId, changes, ct);
        if (audit is null) return verdicts;
        var now = DateTimeOffset.UtcNow;
        var rows = verdicts.Select(v => AuditRecordOf(unitId, v, now)).OfType<AuditRecord>().Select(r => audit.AppendAsync(r, ct));
        await Task.WhenAll(rows); // queued together, committed in one group
        return verdicts;
    }

    /// <summary>The audit row of a verdict that matters for the tenant boundary, or null for routine changes.</summary>
    public static AuditRecord? AuditRecordOf(string unitId, UnitChangeVerdict verdict, DateTimeOffset at)
    {
        var change = verdict.Change;
        var (status, what) = verdict switch
        {
            { Accepted: false } => (verdict.RefusalCode == Protocol.Frames.EventRefusalCodes.NotOwner ? 403 : 422,
                $"refused ({verdict.RefusalCode}): {verdict.Reason}" + (verdict.HeldBy is { } held ? $"; patient held by {held}" : "")),
            { TransferredFrom: { } from } => (200, $"took the patient over from {from}, which had released them"),
            { TransferredTo: { } to } => (200, $"released the patient to {to}, which had claimed them: transferred"),
            _ when change.Kind == UnitEventKinds.PatientReleased => (200, "released the patient: " + (change.PayloadJson ?? "")),
            _ => (0, null),
        };
        if (what is null) return null;
        var target = $"{change.Kind} seq {change.Seq}: {what}";
        return new AuditRecord(at, Auth.Roles.Unit, unitId, change.PatientId, AuditResource, "write", status, change.EventId,
            target.Length <= MaxTargetLength ? target : target[..MaxTargetLength]);
    }
}
