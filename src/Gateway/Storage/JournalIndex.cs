namespace HealthGateway.Gateway.Storage;

/// <summary>
/// The index a session's recovery needs: Akka.Persistence.Sql's default journal table has only its <c>ordering</c> key,
/// so every recovery (by persistence id and sequence number) scanned the whole journal, slower with every restart
/// (docs/benchmarks.md, reconnect storm). Created by <c>schema apply</c> on PostgreSQL and by
/// <see cref="JournalIndexService"/> on SQLite, once Akka has created the journal table. Idempotent.
/// </summary>
public static class JournalIndex
{
    public const string Name = "ix_journal_persistence_sequence";
    public const string CreateStatement = $"CREATE INDEX IF NOT EXISTS {Name} ON journal (persistence_id, sequence_number)";

    /// <summary>Creates the index if the journal table exists; false (nothing done) while it does not yet.</summary>
    public static async Task<bool> TryCreateAsync(IGatewayDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = database.Provider == StorageProvider.Sqlite
                ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
                : "SELECT 1 WHERE to_regclass('journal') IS NOT NULL";
            if (await exists.ExecuteScalarAsync(ct) is null) return false;
        }
        await using var create = connection.CreateCommand();
        create.CommandText = CreateStatement;
        await create.ExecuteNonQueryAsync(ct);
        return true;
    }
}

/// <summary>
/// SQLite: Akka creates the journal table when its plugin starts, after the gateway's own tables; this adds the
/// recovery index as soon as the table is there (at once on every later start).
/// </summary>
public sealed class JournalIndexService(IGatewayDatabase database, ILogger<JournalIndexService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.CreatesSchemaOnStart) return; // PostgreSQL: `schema apply` created it
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await JournalIndex.TryCreateAsync(database, stoppingToken)) return;
            }
            catch (System.Data.Common.DbException e)
            {
                logger.LogWarning("journal index not created yet ({Reason}); retrying", e.Message);
            }
            await Task.Delay(delay, stoppingToken);
            // Quick while the gateway starts; a gateway whose journal is never touched is not polled four times a second forever.
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }
}
