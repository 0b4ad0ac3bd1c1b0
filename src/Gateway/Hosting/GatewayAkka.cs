using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using HealthGateway.Gateway.Connections;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Sessions;
using HealthGateway.Gateway.Storage;
using LinqToDB;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Hosting;

public static class GatewayAkka
{
    public const string SystemName = "gateway";

    /// <summary>
    /// The gateway's actor system: a cluster node with role <c>gateway</c>, the unit session
    /// shard region, and the SQL journal on the embedded SQLite database.
    /// </summary>
    public static IServiceCollection AddGatewayAkka(this IServiceCollection services)
    {
        services.AddAkka(SystemName, (akka, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var database = provider.GetRequiredService<SqliteDatabase>();

            akka.AddHocon(HoconFiles.Load(), HoconAddMode.Prepend)
                // Akka's own logs go through Microsoft.Extensions.Logging: one pipeline, one set of levels.
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithRemoting(new RemoteOptions { HostName = options.ClusterHostname, Port = options.ClusterPort })
                .WithClustering(new ClusterOptions
                {
                    Roles = [UnitSessionHosting.Role],
                    SeedNodes = options.SeedNodes,
                })
                .WithSqlPersistence(
                    connectionString: database.ConnectionString,
                    providerName: ProviderName.SQLiteMS,
                    journalBuilder: journal => journal.WithHealthCheck(HealthStatus.Unhealthy, "journal", [HealthTags.Ready]))
                .WithUnitSessions()
                .WithUnitConnections()
                .WithUnitSessionIndex()
                .WithActorSystemLivenessCheck(HealthStatus.Unhealthy, [HealthTags.Live])
                .WithAkkaClusterReadinessCheck(HealthStatus.Unhealthy, [HealthTags.Ready])
                .AddStartup((system, _) =>
                {
                    // No seeds configured: a single-node cluster that joins itself.
                    if (options.SeedNodes.Length == 0)
                    {
                        var cluster = Cluster.Get(system);
                        cluster.Join(cluster.SelfAddress);
                    }
                });
        });
        return services;
    }
}

public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
