using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Writes;

/// <summary>The open transaction a write runs in, with the delivery's identity for deterministic ids.</summary>
internal sealed record WriteContext(
    SqliteConnection Connection,
    SqliteTransaction Transaction,
    string MessageId,
    string PatientId,
    DateTimeOffset Now)
{
    public SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }
}
