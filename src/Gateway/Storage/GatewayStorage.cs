using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Storage;

public static class GatewayStorage
{
    /// <summary>
    /// Registers the database chosen by <c>Gateway:Storage:Provider</c> and the gateway's <paramref name="tables"/>
    /// (the composition root names them: Storage knows no feature).
    /// </summary>
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, IConfiguration configuration, IEnumerable<IGatewayTable> tables)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.AddSingleton<IGatewayDatabase>(sp => Create(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
            configuration));
        foreach (var table in tables) services.AddSingleton(table);
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
