using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// Unit sessions for ops. Lists merge every reachable node's <see cref="UnitSessionIndexActor"/> (newest
/// report per unit wins) with the units named in the patient directory, so sleeping sessions are listed
/// without being woken. A single unit's detail asks its session directly (that may wake it).
/// </summary>
public sealed class UnitOps(ActorSystem system, IRequiredActor<UnitSessionRegion> region, PatientDirectoryStore directory)
{
    private static readonly TimeSpan IndexTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<UnitSummary>> ListAsync(bool offlineOnly, int minBacklog, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var (reports, lastSeen) = await GatherAsync();
        var units = new SortedDictionary<string, UnitSummary>(StringComparer.Ordinal);
        foreach (var (unitId, report) in reports)
            units[unitId] = report.ToSummary(now, lastSeen.TryGetValue(unitId, out var seen) && (report.LastSeen is null || seen > report.LastSeen) ? seen : report.LastSeen);
        foreach (var unitId in await directory.ListUnitIdsAsync(ct))
            if (!units.ContainsKey(unitId)) units[unitId] = UnitSummary.Unreported(unitId);
        return units.Values.Where(u => (!offlineOnly || !u.Connected) && u.Backlog >= minBacklog).ToList();
    }

    /// <summary>The unit's detail, or null when no node has seen it and the directory does not name it.</summary>
    public async Task<UnitDetail?> DetailAsync(string unitId, CancellationToken ct)
    {
        var (reports, lastSeen) = await GatherAsync();
        var known = reports.GetValueOrDefault(unitId);
        // A made-up unit id must not create a session (and a journal recovery).
        if (known is null && !await directory.HasUnitAsync(unitId, ct)) return null;

        var report = known;
        try
        {
            report = await region.ActorRef.Ask<UnitSessionReport>(new UnitSessionOpsQueries.GetReport(unitId), SessionTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            // Recovering or moving: show what the indexes know.
        }
        var location = await region.ActorRef.Ask<EntityLocation>(new GetEntityLocation(unitId, SessionTimeout), SessionTimeout, ct);
        var seen = lastSeen.TryGetValue(unitId, out var s) && (report?.LastSeen is null || s > report.LastSeen) ? s : report?.LastSeen;
        var summary = report?.ToSummary(DateTimeOffset.UtcNow, seen) ?? UnitSummary.Unreported(unitId);
        var sessionNode = report?.SessionNode ?? (location.EntityRef.HasValue ? NodeString(location.ShardRegion) : null);
        return UnitDetail.From(summary, sessionNode, location.ShardId);
    }

    /// <summary>
    /// Asks the unit's session to resync its delivery stream (<see cref="ResyncDeliveries"/>): a
    /// <see cref="DeliveriesResynced"/> or <see cref="ResyncRefused"/>; null when the unit is unknown.
    /// </summary>
    public async Task<object?> ResyncAsync(string unitId, string requestedBy, CancellationToken ct)
    {
        if (!await IsKnownAsync(unitId, ct)) return null;
        return await region.ActorRef.Ask<object>(new ResyncDeliveries(unitId, requestedBy), SessionTimeout, ct);
    }

    /// <summary>True when ops may ask this unit's session: some node reported it, or the directory names it.</summary>
    public async Task<bool> IsKnownAsync(string unitId, CancellationToken ct) =>
        (await GatherAsync()).Reports.ContainsKey(unitId) || await directory.HasUnitAsync(unitId, ct);

    private string NodeString(Address address) =>
        (address.HasGlobalScope ? address : Cluster.Get(system).SelfAddress).ToString();

    private async Task<(Dictionary<string, UnitSessionReport> Reports, Dictionary<string, DateTimeOffset> LastSeen)> GatherAsync()
    {
        var state = Cluster.Get(system).State;
        var nodes = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Joining)
            .Where(m => !state.Unreachable.Contains(m))
            .Select(m => m.Address)
            .DefaultIfEmpty(Cluster.Get(system).SelfAddress)
            .Distinct();
        var answers = await Task.WhenAll(nodes.Select(async node =>
        {
            try
            {
                return await UnitSessionIndexActor.On(system, node)
                    .Ask<UnitSessionIndexReplies.Reports>(UnitSessionIndexQueries.GetReports.Instance, IndexTimeout);
            }
            catch (AskTimeoutException)
            {
                return null; // a slow node's units show as the directory knows them
            }
        }));

        var reports = new Dictionary<string, UnitSessionReport>(StringComparer.Ordinal);
        var lastSeen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            if (answer is null) continue;
            foreach (var report in answer.Sessions)
                if (!reports.TryGetValue(report.UnitId, out var known) || known.ReportedAt < report.ReportedAt)
                    reports[report.UnitId] = report;
            foreach (var (unitId, at) in answer.LastSeen)
                if (!lastSeen.TryGetValue(unitId, out var known) || known < at) lastSeen[unitId] = at;
        }
        return (reports, lastSeen);
    }
}
