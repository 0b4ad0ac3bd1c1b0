using HealthGateway.Protocol.Contracts;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>Maps <c>invoices</c> rows to the contract, shared by reads and writes.</summary>
internal static class InvoiceRows
{
    public const string SelectColumns =
        "SELECT id, patient_id, issued_on, amount_cents, currency, description, status FROM invoices";

    public static Invoice Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), StoredValues.DateFromText(reader.GetString(2)), reader.GetInt64(3),
        reader.GetString(4), reader.GetString(5), StoredValues.InvoiceStatusFromText(reader.GetString(6)));

    public static Invoice? Find(SqliteConnection connection, SqliteTransaction transaction, string invoiceId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"{SelectColumns} WHERE id = $id;";
        command.Parameters.AddWithValue("$id", invoiceId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }
}
