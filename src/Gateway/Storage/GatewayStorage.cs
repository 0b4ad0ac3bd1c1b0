using HealthGateway.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Storage;

public static class GatewayStorage
{
    /// <summary>
    /// Registers the database chosen by <c>Gateway:Storage:Provider</c> and the gateway's tables.
    /// A store that needs a table registers its <see cref="IGatewayTable"/> here (patient directory; audit next).
    /// </summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton<IGatewayDatabase>(sp => Create(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            configuration));
        services.AddSingleton<IGatewayTable, PatientDirectoryTable>();
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
