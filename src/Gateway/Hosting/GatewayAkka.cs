using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Session;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Hosting;

public static class GatewayAkka
{
    public const string SystemName = "gateway";

    /// <summary>
    /// The gateway's actor system: a cluster node with role <c>gateway</c>, the unit session
    /// shard region, and the SQL journal on the configured database (SQLite or PostgreSQL).
    /// </summary>
    public static IServiceCollection AddGatewayAkka(this IServiceCollection services)
    {
        services.AddOptions<ClusterTuningOptions>().BindConfiguration(ClusterTuningOptions.Section);
        services.AddOptions<ClusterTlsOptions>().BindConfiguration(ClusterTlsOptions.Section);
        services.AddOptions<UnitAdmissionOptions>().BindConfiguration(UnitAdmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UnitAttachAdmission>();
        services.AddAkka(SystemName, (akka, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var database = provider.GetRequiredService<IGatewayDatabase>();

            var tuning = provider.GetRequiredService<IOptions<ClusterTuningOptions>>().Value;

            // Configured overrides first (highest precedence), then the tuning files.
            akka.AddHocon(HoconFiles.Load(database.Provider), HoconAddMode.Prepend);
            if (tuning.ToHocon() is { Length: > 0 } overrides) akka.AddHocon(overrides, HoconAddMode.Prepend);
            // The HTTP drain runs in this phase (RequestDrainMiddleware); the phase's default timeout is 5 s.
            akka.AddHocon($"akka.coordinated-shutdown.phases.before-service-unbind.timeout = {(int)(options.ShutdownDrainTimeout + TimeSpan.FromSeconds(2)).TotalMilliseconds}ms",
                HoconAddMode.Prepend);
            var tls = provider.GetRequiredService<IOptions<ClusterTlsOptions>>().Value;
            if (tls.ToHocon() is { Length: > 0 } tlsHocon) akka.AddHocon(tlsHocon, HoconAddMode.Prepend);
            akka
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
                    dataOptions: database.PersistenceDataOptions,
                    // SQLite: the one node owns the file. PostgreSQL: `schema apply` created the tables once.
                    autoInitialize: database.CreatesSchemaOnStart,
                    journalBuilder: journal => journal.WithHealthCheck(HealthStatus.Unhealthy, "journal", [HealthTags.Ready]))
                .WithSnapshotStoreHealthCheck("snapshot-store", [HealthTags.Ready])
                .WithRequestDrain(provider)
                .WithPatientFeeds()
                .WithUnitSessions(registry => [UnitSessionIndexReporter.Factory, PatientFeedSessionObserver.ToRegion(registry)])
                .WithStoppedSessionRelay()
                .WithUnitConnections(provider.GetRequiredService<UnitAttachAdmission>(), provider.GetRequiredService<LocalUnitSockets>())
                .WithUnitSessionIndex()
                .WithPatientStreams()
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
