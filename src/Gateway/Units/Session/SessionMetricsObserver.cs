using Akka.Actor;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Session.UnitSessionNotice;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>Keeps the node's session metrics from what sessions made durable (writes, settlements, deliveries, gauges).</summary>
public sealed class SessionMetricsObserver(GatewayMetrics metrics) : IUnitSessionObserver
{
    // This session's share of the node's gauges (backlog depth, connected sessions).
    private readonly SessionGaugeShare _gauges = new(metrics);

    public void On(UnitSessionNotice notice, IUnitSessionView session)
    {
        switch (notice)
        {
            case ConnectionTookOver { Epoch: > 1 }:
                metrics.UnitReconnected();
                break;
            case WriteStored stored:
                metrics.WritePersisted(stored.Write.Operation);
                break;
            case SettlementsStored settled:
                foreach (var s in settled.Event.Settlements) metrics.WriteSettled(OutcomeName(s.Status));
                break;
            case DeliveriesSent sent:
                metrics.WritesDelivered(sent.Count);
                break;
        }
        var stopped = notice is SessionStopped;
        _gauges.Report(stopped ? 0 : session.State.BacklogCount, !stopped && session.Connection is not null);
    }

    private static string OutcomeName(OperationStatus status) => status switch
    {
        OperationStatus.Applied => "applied",
        OperationStatus.Rejected => "rejected",
        OperationStatus.Expired => "expired",
        _ => "other",
    };

    /// <summary>One observer per session, all counting into <paramref name="metrics"/>.</summary>
    public sealed class Factory(GatewayMetrics metrics) : IUnitSessionObserverFactory
    {
        public IUnitSessionObserver Create(IActorContext session, string unitId) => new SessionMetricsObserver(metrics);
    }
}
