namespace HealthGateway.Gateway.Units.Messages;

/// <summary>
/// A unit change the gateway acknowledged but refused (it changed nothing, reached no patient). Kept in the journal
/// with the acceptance, so a unit that resends an already acknowledged batch hears the same refusals again.
/// </summary>
public sealed record RefusedChange(long Seq, string EventId, string Code, string Reason);
