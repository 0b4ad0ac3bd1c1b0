namespace HealthGateway.Gateway.Storage;

/// <summary>Creates the gateway's own tables: at start on SQLite, by <c>schema apply</c> on PostgreSQL.</summary>
public static class GatewaySchema
{
    public static void CreateOnStart(IServiceProvider services)
    {
        var database = services.GetRequiredService<IGatewayDatabase>();
        if (!database.CreatesSchemaOnStart) return;
        foreach (var table in services.GetServices<IGatewayTable>()) database.Create(table);
    }

    public static async Task CreateAllAsync(IGatewayDatabase database, IEnumerable<IGatewayTable> tables, CancellationToken ct)
    {
        foreach (var table in tables) await database.CreateAsync(table, ct);
    }
}
