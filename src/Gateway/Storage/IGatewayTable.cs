namespace HealthGateway.Gateway.Storage;

/// <summary>
/// A table the gateway owns (beside Akka's journal and snapshots). Registered in DI so that
/// <c>schema apply</c> creates all of them on PostgreSQL and SQLite creates them at start.
/// Definitions must be idempotent (<c>IF NOT EXISTS</c>).
/// </summary>
public interface IGatewayTable
{
    string Name { get; }

    /// <summary>The statements creating the table and its indexes, for <paramref name="provider"/>.</summary>
    string CreateStatements(StorageProvider provider);
}
