using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Ops;

/// <summary>Ops queries a <see cref="UnitSessionActor"/> answers (routed by unit id through sharding).</summary>
public static class UnitSessionOpsQueries
{
    /// <summary>Asks the session (waking it if asleep) for a fresh <see cref="UnitSessionReport"/>.</summary>
    public sealed record GetReport(string UnitId) : IUnitSessionQuery
    {
        public object Answer(IUnitSessionView session) => UnitSessionIndexReporter.Build(session, awake: true);
    }
}
