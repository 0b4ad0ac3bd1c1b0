using Microsoft.Extensions.Configuration;

namespace HealthGateway.AppHost;

/// <summary>
/// What the AppHost starts. <c>--cluster</c> (or <c>AppHost:Cluster=true</c>) runs three gateways in one Akka cluster
/// on PostgreSQL (<c>ConnectionStrings:Gateway</c>); otherwise one gateway on SQLite. Data lives under <c>.data/aspire</c>.
/// </summary>
public sealed record AppHostSettings(bool Cluster, int Units, int Patients, int GatewayPort, string RepoRoot, string DataRoot, string PostgresConnection)
{
    public const string ClusterSwitch = "--cluster";

    /// <summary>The connection scripts/ci-postgres.sh creates: a local dev database, not a secret.</summary>
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=healthgateway;Password=healthgateway;Database=healthgateway";

    public string DataDirectory => Path.Combine(DataRoot, Cluster ? "cluster" : "single");
    public string GatewayDataDirectory => Path.Combine(DataDirectory, "gateway");
    public string UnitsDataDirectory => Path.Combine(DataDirectory, "units");
    public string TokenDirectory => Path.Combine(DataDirectory, "tokens");
    public int Gateways => Cluster ? 3 : 1;

    public static AppHostSettings From(IConfiguration configuration, string appHostDirectory, bool clusterSwitch)
    {
        var repoRoot = Path.GetFullPath(Path.Combine(appHostDirectory, "..", ".."));
        return new AppHostSettings(
            Cluster: clusterSwitch || configuration.GetValue<bool>("AppHost:Cluster"),
            Units: configuration.GetValue("AppHost:Units", 3),
            Patients: configuration.GetValue("AppHost:Patients", 25),
            // The first gateway's port (the cluster's others follow it); the tests pick a free one.
            GatewayPort: configuration.GetValue("AppHost:GatewayPort", 5090),
            RepoRoot: repoRoot,
            DataRoot: Path.GetFullPath(configuration["AppHost:DataDirectory"] ?? Path.Combine(repoRoot, ".data", "aspire")),
            PostgresConnection: configuration.GetConnectionString("Gateway") ?? DefaultPostgres);
    }
}
