using System.Data.Common;
using LinqToDB;

namespace HealthGateway.Gateway.Storage;

/// <summary>
/// The gateway's one database: the Akka journal and snapshots (through Akka.Persistence.Sql) and the
/// gateway's own tables (<see cref="IGatewayTable"/>). Stores write portable SQL with <c>@name</c>
/// parameters; only table definitions differ per provider.
/// </summary>
public interface IGatewayDatabase
{
    StorageProvider Provider { get; }

    string ConnectionString { get; }

    /// <summary>The <c>LinqToDB.ProviderName</c> Akka.Persistence.Sql uses for this database.</summary>
    string LinqToDbProviderName { get; }

    /// <summary>How Akka.Persistence.Sql (linq2db) connects: provider, connection string and per-database tuning.</summary>
    DataOptions PersistenceDataOptions { get; }

    /// <summary>
    /// True when every node creates missing tables as it starts (SQLite: one process owns the file).
    /// False on a shared server: the <c>schema apply</c> step creates them once, nodes never race DDL.
    /// </summary>
    bool CreatesSchemaOnStart { get; }

    DbConnection OpenConnection();

    ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct);
}
