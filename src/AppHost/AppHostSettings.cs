using Microsoft.Extensions.Configuration;

namespace HealthGateway.AppHost;

/// <summary>
/// What the AppHost starts. <c>--cluster</c> (or <c>AppHost:Cluster=true</c>) runs three gateways in one Akka cluster
/// on PostgreSQL (<c>ConnectionStrings:Gateway</c>); otherwise one gateway on SQLite. Data lives under <c>.data/aspire</c>.
/// </summary>
public sealed record AppHostSettings(bool Cluster, int Units, int Patients, string RepoRoot, string PostgresConnection)
{
    public const string ClusterSwitch = "--cluster";

    /// <summary>The connection scripts/ci-postgres.sh creates: a local dev database, not a secret.</summary>
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=healthgateway;Password=healthgateway;Database=healthgateway";

    public string DataDirectory => Path.Combine(RepoRoot, ".data", "aspire", Cluster ? "cluster" : "single");
    public string GatewayDataDirectory => Path.Combine(DataDirectory, "gateway");
    public string UnitsDataDirectory => Path.Combine(DataDirectory, "units");
    public string TokenDirectory => Path.Combine(DataDirectory, "tokens");
    public int Gateways => Cluster ? 3 : 1;

    public static AppHostSettings From(IConfiguration configuration, string appHostDirectory, bool clusterSwitch) => new(
        Cluster: clusterSwitch || configuration.GetValue<bool>("AppHost:Cluster"),
        Units: configuration.GetValue("AppHost:Units", 3),
        Patients: configuration.GetValue("AppHost:Patients", 25),
        RepoRoot: Path.GetFullPath(Path.Combine(appHostDirectory, "..", "..")),
        PostgresConnection: configuration.GetConnectionString("Gateway") ?? DefaultPostgres);
}
