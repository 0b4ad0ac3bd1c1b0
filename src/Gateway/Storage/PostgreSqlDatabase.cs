using System.Data.Common;
using LinqToDB;
using Npgsql;

namespace HealthGateway.Gateway.Storage;

/// <summary>
/// A PostgreSQL server shared by every node of a gateway cluster. Tables are created once by
/// <c>schema apply</c>, never by nodes as they start (concurrent DDL from several nodes races).
/// </summary>
public sealed class PostgreSqlDatabase : IGatewayDatabase, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlDatabase(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"Gateway:Storage:Provider is PostgreSql but ConnectionStrings:{StorageOptions.ConnectionStringName} is empty.");
        ConnectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public StorageProvider Provider => StorageProvider.PostgreSql;

    public string ConnectionString { get; }

    public string LinqToDbProviderName => ProviderName.PostgreSQL15;

    // Npgsql is asynchronous already: journal writes batch while one is in flight.
    public DataOptions PersistenceDataOptions => new DataOptions().UseConnectionString(LinqToDbProviderName, ConnectionString);

    public bool CreatesSchemaOnStart => false;

    public DbConnection OpenConnection() => _dataSource.OpenConnection();

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
