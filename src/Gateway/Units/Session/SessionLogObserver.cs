using Akka.Event;
using static HealthGateway.Gateway.Units.Session.UnitSessionNotice;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>Writes what a session did to the log (the decider itself logs nothing).</summary>
public sealed class SessionLogObserver(ILoggingAdapter log, string unitId) : IUnitSessionObserver
{
    public void On(UnitSessionNotice notice, IUnitSessionView session)
    {
        switch (notice)
        {
            case AttachIgnored ignored:
                log.Debug("unit {0}: attach of {1} ignored: {2}", unitId, ignored.Connection.Path, ignored.Why);
                break;
            case ConnectionTookOver took:
                if (took.Superseded is { } old)
                    log.Info("unit {0}: connection {1} superseded by {2} (epoch {3})", unitId, old.Path, took.Connection.Path, took.Epoch);
                log.Info("unit {0}: attached {1} epoch {2}; unit changes accepted up to {3}; {4} writes waiting",
                    unitId, took.Connection.Path, took.Epoch, session.State.LastEventSeq, session.State.BacklogCount);
                break;
            case ConnectionLost lost:
                log.Info("unit {0}: connection {1} {2}", unitId, lost.Connection.Path, lost.Why);
                break;
            case DeliveriesResent resent:
                log.Info("unit {0}: no acknowledgement for {1}; resending {2} deliveries", unitId, resent.After, resent.InFlight);
                break;
            case UnitChangesOutOfSequence gap:
                log.Warning("unit {0}: unit changes jump from {1} to {2}; closing so the unit resends", unitId, gap.AcceptedUpTo, gap.NextSeq);
                break;
            case UnitChangesNotStored { Cause: { } cause } failed:
                log.Error(cause, "unit {0}: applying {1} unit changes failed; closing the connection so the unit resends", unitId, failed.Count);
                break;
            case UnitChangesStored stored:
                foreach (var verdict in stored.Verdicts.Where(v => !v.Accepted))
                    log.Warning("unit {0}: refused {1} seq {2} about patient {3} ({4}{5})", unitId, verdict.Change.Kind, verdict.Change.Seq,
                        verdict.Change.PatientId, verdict.RefusalCode, verdict.HeldBy is { } held ? $", held by {held}" : "");
                break;
            case DeliveryMismatchFound found:
                log.Error("unit {0}: delivery stream {1}; {2} writes held until an operator runs `hgw units resync {0}` (docs/operations.md)",
                    unitId, found.Mismatch.Describe(), session.State.BacklogCount);
                break;
            case DeliveryStreamResynced resynced:
                var e = resynced.Rebase;
                log.Warning("unit {0}: delivery stream resynced by {1} ({2}); deliveries continue after seq {3}; {4} writes renumbered, {5} settled writes listed for re-entry",
                    unitId, e.By, e.Mismatch.Describe(), e.Mismatch.UnitLastAppliedSeq, resynced.Resequenced, e.Mismatch.MissingOperationIds.Count);
                break;
        }
    }
}
