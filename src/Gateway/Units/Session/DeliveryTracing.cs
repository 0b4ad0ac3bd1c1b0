using System.Diagnostics;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>Joins each delivery to its write's trace (its context was persisted with the write); the unit's span is its child.</summary>
public static class DeliveryTracing
{
    public static Deliveries Traced(string unitId, Deliveries deliveries)
    {
        if (!GatewayTracing.Source.HasListeners()) return deliveries; // no tracing: the write's own context goes on
        var items = new List<DeliveryItem>(deliveries.Items.Count);
        foreach (var item in deliveries.Items)
        {
            using var span = GatewayTracing.StartFromParent(GatewayTracing.DeliverSpan, ActivityKind.Producer, item.TraceParent);
            span?.SetTag(GatewayTracing.UnitIdTag, unitId);
            span?.SetTag(GatewayTracing.OperationIdTag, item.MessageId);
            span?.SetTag(GatewayTracing.SeqTag, item.Seq);
            items.Add(item with { TraceParent = GatewayTracing.TraceParent(span) ?? item.TraceParent });
        }
        return deliveries with { Items = items };
    }
}
