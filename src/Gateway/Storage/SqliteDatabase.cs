using System.Data.Common;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Gateway.Storage;

/// <summary>
/// The embedded database: one SQLite file holding the Akka journal, snapshots and the patient
/// directory. WAL mode is set once before Akka starts (measured ~4x faster journal writes) and
/// persists in the file.
/// </summary>
public sealed class SqliteDatabase : IGatewayDatabase
{
    public SqliteDatabase(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // seconds to wait for the single writer lock
        }.ToString();

        using var connection = Open();
        using var pragma = connection.CreateCommand();
        // synchronous stays at its FULL default: a 2xx must survive a power cut, not only a crash.
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
    }

    public StorageProvider Provider => StorageProvider.Sqlite;

    public string ConnectionString { get; }

    public string LinqToDbProviderName => ProviderName.SQLiteMS;

    public DataOptions PersistenceDataOptions => new DataOptions()
        .UseConnectionString(LinqToDbProviderName, ConnectionString)
        .UseInterceptor(AsynchronousConnectionOpen.Instance);

    public bool CreatesSchemaOnStart => true;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    DbConnection IGatewayDatabase.OpenConnection() => Open();

    ValueTask<DbConnection> IGatewayDatabase.OpenConnectionAsync(CancellationToken ct) => ValueTask.FromResult<DbConnection>(Open());
}
