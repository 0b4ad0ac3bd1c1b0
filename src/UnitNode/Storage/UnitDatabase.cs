using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>The unit's SQLite file: opens connections with the pragmas every writer relies on.</summary>
public sealed class UnitDatabase
{
    private readonly string _connectionString;

    public UnitDatabase(string filePath)
    {
        FilePath = Path.GetFullPath(filePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            // Seconds SQLite's busy handler waits for another writer before giving up.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // FULL: an ack sent to the gateway must survive a power cut, or the gateway forgets a write we lost.
        pragma.CommandText = "PRAGMA synchronous = FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Creates the folder, switches to WAL and creates the schema. Safe to call repeatedly.</summary>
    public void EnsureCreated()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            // WAL lets request handlers read while a delivery or the seeder writes; it persists in the file.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        using var schema = connection.CreateCommand();
        schema.Transaction = transaction;
        schema.CommandText = Schema.CreateStatements;
        schema.ExecuteNonQuery();
        AddMissingColumns(connection, transaction);
        transaction.Commit();
    }

    /// <summary>A store made by an older unit gets the columns added since (nullable: old rows simply lack the value).</summary>
    private static void AddMissingColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var (table, column, type) in Schema.AddedColumns)
        {
            using var probe = connection.CreateCommand();
            probe.Transaction = transaction;
            probe.CommandText = $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}';";
            if (probe.ExecuteScalar() is not null) continue;
            using var alter = connection.CreateCommand();
            alter.Transaction = transaction;
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type};";
            alter.ExecuteNonQuery();
        }
    }

    public string JournalMode()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string)command.ExecuteScalar()!;
    }
}
