using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway;

/// <summary>
/// Every table the gateway owns besides Akka's. SQLite creates them at start, <c>schema apply</c> creates them on
/// PostgreSQL. A new store adds its <see cref="IGatewayTable"/> here: the list lives in the composition root so
/// that Storage, which runs it, needs to know none of the features that own the tables.
/// </summary>
public static class GatewayTables
{
    public static IReadOnlyList<IGatewayTable> All { get; } = [new PatientDirectoryTable(), new PatientReleasesTable(), new PatientClaimsTable(), new AuditLogTable()];
}
