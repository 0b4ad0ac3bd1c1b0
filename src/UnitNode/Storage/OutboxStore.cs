using System.Text.Json;
using HealthGateway.Protocol.Frames;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>Reads the outbox for sending and records the gateway's acknowledgements.</summary>
public sealed class OutboxStore(UnitDatabase database)
{
    /// <summary>Events with seq &gt; <paramref name="afterSeq"/>, in seq order, acknowledged or not (the gateway's Welcome is authoritative).</summary>
    public IReadOnlyList<UnitEvent> ReadAfter(long afterSeq, int max)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, event_id, kind, patient_id, occurred_at, payload
            FROM outbox WHERE seq > $after ORDER BY seq LIMIT $max;
            """;
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$max", max);
        using var reader = command.ExecuteReader();
        var events = new List<UnitEvent>();
        while (reader.Read())
        {
            JsonElement? payload = reader.IsDBNull(5) ? null : ParsePayload(reader.GetString(5));
            events.Add(new UnitEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                StoredValues.FromUnixMs(reader.GetInt64(4)), payload));
        }
        return events;
    }

    /// <summary>Marks every event up to and including <paramref name="upToSeq"/> as durable at the gateway.</summary>
    public int MarkAcked(long upToSeq)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET acked = 1 WHERE acked = 0 AND seq <= $up_to;";
        command.Parameters.AddWithValue("$up_to", upToSeq);
        return command.ExecuteNonQuery();
    }

    public long CountUnacked()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox WHERE acked = 0;";
        return (long)command.ExecuteScalar()!;
    }

    public long HighestSeq()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        // sqlite_sequence remembers the high-water mark even when the newest rows were deleted.
        command.CommandText = "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0);";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Makes the next outbox seq greater than <paramref name="seq"/>. Needed when the gateway already holds
    /// seqs this store never issued (the unit's database was restored or recreated): without it, new events
    /// would reuse seqs the gateway drops as duplicates.
    /// </summary>
    public bool EnsureNextSeqAbove(long seq)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO sqlite_sequence(name, seq)
                SELECT 'outbox', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
            UPDATE sqlite_sequence SET seq = $seq WHERE name = 'outbox' AND seq < $seq;
            """;
        command.Parameters.AddWithValue("$seq", seq);
        var raised = command.ExecuteNonQuery() > 0;
        transaction.Commit();
        return raised;
    }

    /// <summary>
    /// When the gateway already holds event seqs beyond this store's highest (the store was restored from an older copy),
    /// events written since then reuse seqs the gateway counts as received: it would acknowledge them without having them.
    /// So every unacknowledged event is renumbered above <paramref name="gatewaySeq"/>, in order, in one transaction, and
    /// the next seq continues after them. The store cannot tell which of them the gateway saw before the restore, so the
    /// gateway may get one of those again under a new seq (same <c>eventId</c>). Returns how many were renumbered.
    /// </summary>
    public int RenumberUnackedAbove(long gatewaySeq)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var highest = connection.CreateCommand();
        highest.Transaction = transaction;
        highest.CommandText = "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0), COALESCE((SELECT MAX(seq) FROM outbox), 0));";
        if ((long)highest.ExecuteScalar()! >= gatewaySeq) return 0; // the gateway's seq is one this store issued: nothing was lost

        var unacked = new List<long>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT seq FROM outbox WHERE acked = 0 ORDER BY seq;";
            using var reader = select.ExecuteReader();
            while (reader.Read()) unacked.Add(reader.GetInt64(0));
        }

        // Every new seq is above every old one (all old seqs are below gatewaySeq), so the updates never collide.
        var next = gatewaySeq;
        using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE outbox SET seq = $new WHERE seq = $old;";
            var newSeq = update.Parameters.Add("$new", SqliteType.Integer);
            var oldSeq = update.Parameters.Add("$old", SqliteType.Integer);
            foreach (var seq in unacked)
            {
                newSeq.Value = ++next;
                oldSeq.Value = seq;
                update.ExecuteNonQuery();
            }
        }

        using (var sequence = connection.CreateCommand())
        {
            sequence.Transaction = transaction;
            sequence.CommandText = """
                INSERT INTO sqlite_sequence(name, seq)
                    SELECT 'outbox', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox');
                UPDATE sqlite_sequence SET seq = $seq WHERE name = 'outbox' AND seq < $seq;
                """;
            sequence.Parameters.AddWithValue("$seq", next);
            sequence.ExecuteNonQuery();
        }
        transaction.Commit();
        return unacked.Count;
    }

    /// <summary>Keeps the gateway's refusals (a resent refusal replaces the earlier copy); returns how many are new.</summary>
    public int RecordRefusals(IReadOnlyList<EventRefusal> refusals, DateTimeOffset at)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO refused_events(seq, event_id, code, reason, refused_at) VALUES ($seq, $id, $code, $reason, $at)
            ON CONFLICT(seq) DO NOTHING;
            """;
        var seq = command.Parameters.Add("$seq", Microsoft.Data.Sqlite.SqliteType.Integer);
        var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        var code = command.Parameters.Add("$code", Microsoft.Data.Sqlite.SqliteType.Text);
        var reason = command.Parameters.Add("$reason", Microsoft.Data.Sqlite.SqliteType.Text);
        command.Parameters.AddWithValue("$at", StoredValues.ToUnixMs(at));
        var added = 0;
        foreach (var refusal in refusals)
        {
            seq.Value = refusal.Seq;
            id.Value = refusal.EventId;
            code.Value = refusal.Code;
            reason.Value = refusal.Reason;
            added += command.ExecuteNonQuery();
        }
        transaction.Commit();
        return added;
    }

    /// <summary>The refused events, oldest first.</summary>
    public IReadOnlyList<EventRefusal> ListRefusals()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, event_id, code, reason FROM refused_events ORDER BY seq;";
        using var reader = command.ExecuteReader();
        var refusals = new List<EventRefusal>();
        while (reader.Read()) refusals.Add(new EventRefusal(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return refusals;
    }

    private static JsonElement ParsePayload(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
