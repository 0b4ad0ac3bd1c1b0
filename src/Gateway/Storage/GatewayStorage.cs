using HealthGateway.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Storage;

public static class GatewayStorage
{
    /// <summary>
    /// Every table the gateway owns besides Akka's. SQLite creates them at start, <c>schema apply</c>
    /// creates them on PostgreSQL. A new store adds its <see cref="IGatewayTable"/> here.
    /// </summary>
    public static IReadOnlyList<IGatewayTable> Tables { get; } = [new PatientDirectoryTable(), new PatientReleasesTable(), new PatientClaimsTable(), new Audit.AuditLogTable()];

    /// <summary>
    /// Registers the database chosen by <c>Gateway:Storage:Provider</c> and the gateway's tables.
    /// Tables come from <see cref="Tables"/>.
    /// </summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton<IGatewayDatabase>(sp => Create(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            configuration));
        foreach (var table in Tables) services.AddSingleton(table);
        services.AddHostedService<JournalIndexService>();
        return services;
    }

    public static IGatewayDatabase Create(StorageOptions storage, GatewayOptions gateway, IConfiguration configuration) =>
        storage.Provider switch
        {
            StorageProvider.Sqlite => new SqliteDatabase(gateway.DatabasePath),
            StorageProvider.PostgreSql => new PostgreSqlDatabase(configuration.GetConnectionString(StorageOptions.ConnectionStringName) ?? ""),
            _ => throw new InvalidOperationException($"unknown Gateway:Storage:Provider {storage.Provider}"),
        };
}
