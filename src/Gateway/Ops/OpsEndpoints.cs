using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.RateLimits;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Ops;

/// <summary>The ops API (<c>/api/v1/ops</c>, admin only): cluster, sharding, unit sessions, operations, live events. See docs/operations.md.</summary>
public static class OpsEndpoints
{
    /// <summary>Longest unit or operation id accepted in an ops path (longer ones are 404 without touching a session).</summary>
    private const int MaxIdLength = 200;

    public static IServiceCollection AddOps(this IServiceCollection services) =>
        services.AddSingleton<ClusterOps>().AddSingleton<ShardingOps>().AddSingleton<UnitOps>().AddSingleton<OperationDataAccess>();

    public static RouteGroupBuilder MapOps(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/ops").RequireAuthorization(Policies.Admin)
            .RequirePerCallerLimit().WithTags("Ops");

        group.MapGet("/cluster", (ClusterOps cluster) => TypedResults.Ok(cluster.View()))
            .WithName(OpsEndpointNames.Cluster).WithSummary("Cluster members with roles, status, reachability and the leader");
        group.MapPost("/cluster/leave", (MemberAddressRequest? body, ClusterOps cluster) => MemberAction(body, cluster, "leave"))
            .WithName(OpsEndpointNames.Leave).WithSummary("Ask a member to leave gracefully (its shards hand off)")
            .Produces<MemberActionResult>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/cluster/down", (MemberAddressRequest? body, ClusterOps cluster) => MemberAction(body, cluster, "down"))
            .WithName(OpsEndpointNames.Down).WithSummary("Mark a member down (for a node that is gone; its shards restart elsewhere)")
            .Produces<MemberActionResult>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/cluster/down-unreachable", (ClusterOps cluster) => TypedResults.Ok(new DownedMembers(cluster.DownUnreachable())))
            .WithName(OpsEndpointNames.DownUnreachable).WithSummary("Down every member this node sees as unreachable");

        group.MapGet("/sharding/regions", (ShardingOps sharding) => WithinDeadline(async () => Results.Ok(await sharding.RegionsAsync())))
            .WithName(OpsEndpointNames.Regions).WithSummary("Shard and entity counts per shard region and node")
            .Produces<IReadOnlyList<ShardRegionView>>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/sharding/region-stats", (ShardingOps sharding) => WithinDeadline(async () => Results.Ok(await sharding.RegionStatsAsync())))
            .WithName(OpsEndpointNames.RegionStats).WithSummary("Entities per shard, per region and node")
            .Produces<IReadOnlyList<ShardRegionStatsView>>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/units", async (bool? offline, int? minBacklog, UnitOps units, CancellationToken ct) =>
            TypedResults.Ok(await units.ListAsync(offline ?? false, minBacklog ?? 0, ct)))
            .WithName(OpsEndpointNames.Units).WithSummary("Unit sessions: connection, node, backlog, deliveries and operations (sleeping sessions are not woken)");
        group.MapGet("/units/{unitId}", (string unitId, UnitOps units, CancellationToken ct) => WithinDeadline(async () =>
            unitId.Length <= MaxIdLength && await units.DetailAsync(unitId, ct) is { } detail
                ? Results.Ok(detail)
                : UnitNotFound(unitId)))
            .WithName(OpsEndpointNames.Unit).WithSummary("One unit session in detail, with the node and shard holding it (wakes the session)")
            .Produces<UnitDetail>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/units/{unitId}/resync", (string unitId, HttpContext http, UnitOps units, CancellationToken ct) =>
            WithinDeadline(() => ResyncAsync(unitId, http, units, ct)))
            .WithMetadata(AuditedEndpoint.Instance) // an admin changing a unit's delivery stream leaves an audit row, whatever the outcome
            .WithName(OpsEndpointNames.UnitResync)
            .WithSummary("Resync a unit's delivery stream after its store was restored from a backup (or it is ahead of the gateway); see docs/operations.md")
            .Produces<DeliveriesResynced>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // An operation is patient data: every read is audited (with its patient) before the answer goes out, and the
        // patient fields are shown only to an admin granted them, exactly as /api/v1/patients decides.
        group.MapGet("/operations/{operationId}", async (string operationId, HttpContext http, UnitOps units, OperationDataAccess access,
            IRequiredActor<UnitSessionRegion> region, CancellationToken ct) =>
        {
            if (operationId.Length > MaxIdLength || !OperationId.TryGetUnit(operationId, out var unitId) || !await units.IsKnownAsync(unitId, ct))
                return Problems.OperationNotFound(operationId);
            object answer;
            try
            {
                answer = await region.ActorRef.Ask<object>(new UnitSessionCommands.GetOperation(unitId, operationId), TimeSpan.FromSeconds(10), ct);
            }
            catch (AskTimeoutException)
            {
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Operation status unavailable",
                    "The unit's session did not answer in time (it may be recovering). Try again shortly.", 5);
            }
            if (answer is not OperationState state) return Problems.OperationNotFound(operationId);
            if (http.Audit() is { } audit) audit.PatientId = state.PatientId; // the audit trail may name the patient; the view may not
            return Results.Ok(OpsOperationView.From(state, unitId, await access.MaySeePatientDataAsync(http.User, state, ct)));
        })
        .WithMetadata(AuditedEndpoint.Instance).AddEndpointFilter<AuditResultFilter>()
        .WithName(OpsEndpointNames.Operation)
        .WithSummary("Any operation with its unit; its patient data only for an admin granted it (else listed in `withheld`); audited")
        .Produces<OpsOperationView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/events", (HttpContext http, ActorSystem system) => OpsEventStream.WriteAsync(http, system))
            .WithName(OpsEndpointNames.Events).WithSummary("Live Server-Sent Events: members up/left/removed/unreachable, units connected/disconnected/superseded")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream");
        group.MapPatientTransfers();
        group.MapOpsMetrics();
        return group;
    }

    private static async Task<IResult> ResyncAsync(string unitId, HttpContext http, UnitOps units, CancellationToken ct)
    {
        if (unitId.Length > MaxIdLength) return UnitNotFound(unitId);
        return await units.ResyncAsync(unitId, Caller.From(http.User).RequestedBy, ct) switch
        {
            DeliveriesResynced done => Results.Ok(done),
            ResyncRefused { Reason: ResyncRefusal.NotConnected } => Problems.Create(StatusCodes.Status409Conflict, "Unit not connected",
                $"Unit '{unitId}' is not connected. A resync continues from the seq the unit reports when it connects: start the unit, check `hgw units show {unitId}`, then resync."),
            ResyncRefused { Reason: ResyncRefusal.SeqOutOfRange } => Problems.Create(StatusCodes.Status409Conflict, "Unit seq out of range",
                $"Unit '{unitId}' reports a last applied seq above {ResyncDeliveries.MaxUnitSeq}, which no real unit reaches; nothing was changed. Check the unit's store and software (`hgw units show {unitId}`)."),
            ResyncRefused => Problems.Create(StatusCodes.Status409Conflict, "Nothing to resync",
                $"The delivery stream of unit '{unitId}' agrees with the gateway's (no restored or ahead store was detected when it connected); nothing was changed."),
            _ => UnitNotFound(unitId),
        };
    }

    private static IResult MemberAction(MemberAddressRequest? body, ClusterOps cluster, string action)
    {
        if (string.IsNullOrWhiteSpace(body?.Address))
            return Problems.BadRequest("Address required", "Send {\"address\": \"akka.tcp://gateway@host:port\"}.");
        if (cluster.Find(body.Address) is not { } member)
            return Problems.Create(StatusCodes.Status404NotFound, "Member not found", $"No cluster member has the address '{body.Address}'.");
        if (action == "leave") cluster.Leave(member);
        else cluster.Down(member);
        return TypedResults.Accepted((string?)null, new MemberActionResult(member.Address.ToString(), action));
    }

    /// <summary>Cluster queries that time out (a node busy or unreachable) answer 503, not 500.</summary>
    private static async Task<IResult> WithinDeadline(Func<Task<IResult>> query)
    {
        try
        {
            return await query();
        }
        catch (AskTimeoutException)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Cluster did not answer in time",
                "A shard region or session did not answer in time (a node may be busy, recovering or unreachable). Try again shortly.", 5);
        }
    }

    private static IResult UnitNotFound(string unitId) =>
        Problems.Create(StatusCodes.Status404NotFound, "Unit not found", $"No unit '{unitId}' is known to the gateway.");
}
