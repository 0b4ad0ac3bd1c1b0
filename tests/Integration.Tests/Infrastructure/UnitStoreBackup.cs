using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// Copies a stopped unit's SQLite store aside and puts it back, as an operator restoring a backup would
/// (the database file with its WAL files, so the copy is the store exactly as it was).
/// </summary>
public sealed class UnitStoreBackup
{
    private static readonly string[] Suffixes = ["", "-wal", "-shm"];
    private readonly string _databasePath;
    private readonly string _backupDirectory;

    private UnitStoreBackup(string databasePath, string backupDirectory)
    {
        _databasePath = databasePath;
        _backupDirectory = backupDirectory;
    }

    /// <summary>Takes the copy. The unit must be stopped.</summary>
    public static UnitStoreBackup Take(string databasePath, string backupDirectory)
    {
        SqliteConnection.ClearAllPools(); // no pooled handle may still write to the file
        Directory.CreateDirectory(backupDirectory);
        foreach (var suffix in Suffixes)
        {
            var target = Path.Combine(backupDirectory, Path.GetFileName(databasePath) + suffix);
            if (File.Exists(databasePath + suffix)) File.Copy(databasePath + suffix, target, overwrite: true);
            else File.Delete(target);
        }
        return new UnitStoreBackup(databasePath, backupDirectory);
    }

    /// <summary>Replaces the store with the copy. The unit must be stopped.</summary>
    public void Restore()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in Suffixes)
        {
            var copy = Path.Combine(_backupDirectory, Path.GetFileName(_databasePath) + suffix);
            if (File.Exists(copy)) File.Copy(copy, _databasePath + suffix, overwrite: true);
            else File.Delete(_databasePath + suffix);
        }
    }
}
