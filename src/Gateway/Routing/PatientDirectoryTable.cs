using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway.Routing;

/// <summary>The <c>patient_directory</c> table: one row per patient (5M rows at full size).</summary>
public sealed class PatientDirectoryTable : IGatewayTable
{
    public string Name => "patient_directory";

    public string CreateStatements(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => """
            CREATE TABLE IF NOT EXISTS patient_directory (
                patient_id    TEXT    NOT NULL PRIMARY KEY,
                unit_id       TEXT    NOT NULL,
                registered_at INTEGER NOT NULL  -- unix ms of the event that placed the patient here
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_patient_directory_unit ON patient_directory (unit_id);
            """,
        StorageProvider.PostgreSql => """
            CREATE TABLE IF NOT EXISTS patient_directory (
                patient_id    text   NOT NULL PRIMARY KEY,
                unit_id       text   NOT NULL,
                registered_at bigint NOT NULL  -- unix ms of the event that placed the patient here
            );
            CREATE INDEX IF NOT EXISTS ix_patient_directory_unit ON patient_directory (unit_id);
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
