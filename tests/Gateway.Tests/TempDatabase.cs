using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway.Tests;

/// <summary>A real SQLite file in a fresh temp directory, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "hgw-tests", Guid.NewGuid().ToString("N"));
        Database = new SqliteDatabase(Path.Combine(Directory, "gateway.db"));
    }

    public string Directory { get; }
    public SqliteDatabase Database { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
