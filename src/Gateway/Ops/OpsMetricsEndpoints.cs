using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;
using HealthGateway.Gateway.Http.OpenApi;

namespace HealthGateway.Gateway.Ops;

/// <summary><c>GET /api/v1/ops/metrics/history</c> (admin, inside the ops group): the dashboard charts' data. See docs/operations.md "Dashboard".</summary>
public static class OpsMetricsEndpoints
{
    /// <summary>OpenAPI operation id and key of <see cref="OpsApiExamples"/>.</summary>
    public const string Name = "OpsMetricsHistory";

    /// <summary>Two points of a quiet node: a second of reads and writes, then a unit reconnecting.</summary>
    public static ApiExample Example { get; } = new(null, "200", ApiExample.Node(new OpsMetricsHistoryView("akka.tcp://gateway@10.0.0.11:4053", 5,
    [
        new OpsMetricsPoint(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), 42.4, 3.2, 3.2, 18.7, 2, 0, 0),
        new OpsMetricsPoint(new DateTimeOffset(2026, 11, 26, 9, 0, 5, TimeSpan.Zero), 0, 0.4, 0.2, null, 3, 12, 12),
    ]), OpsMetricsJsonContext.Default.OpsMetricsHistoryView));

    public static RouteGroupBuilder MapOpsMetrics(this RouteGroupBuilder group)
    {
        // Sampling starts with the host (before any request) so the charts have history when the page opens,
        // and stops with it; the event subscription waits for the actor system, which runs once the host started.
        var services = ((IEndpointRouteBuilder)group).ServiceProvider;
        var history = new OpsMetricsHistory(services.GetRequiredService<IMeterFactory>());
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() => history.CountUnitEvents(services.GetRequiredService<ActorSystem>()));
        lifetime.ApplicationStopping.Register(history.Dispose);

        group.MapGet("/metrics/history", (ActorSystem system) => TypedResults.Json(
                new OpsMetricsHistoryView(Cluster.Get(system).SelfAddress.ToString(), (int)OpsMetricsHistory.Interval.TotalSeconds, history.Snapshot()),
                OpsMetricsJsonContext.Default.OpsMetricsHistoryView))
            .WithName(Name)
            .WithSummary("This node's last ten minutes in 5-second points: reads and writes per second, read p99, backlog, unit attaches and detaches per minute")
            .Produces<OpsMetricsHistoryView>();
        return group;
    }
}

/// <summary>Source-generated JSON for the metrics history (nulls written: a chart gap is information).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OpsMetricsHistoryView))]
public sealed partial class OpsMetricsJsonContext : JsonSerializerContext;
