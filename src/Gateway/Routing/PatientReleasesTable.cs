using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway.Routing;

/// <summary>
/// The <c>patient_releases</c> table: a patient's owning unit has handed them to another unit, which may now take
/// them over by registering them. At most one open release per patient; taking over or departing removes it.
/// </summary>
public sealed class PatientReleasesTable : IGatewayTable
{
    public string Name => "patient_releases";

    public string CreateStatements(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => """
            CREATE TABLE IF NOT EXISTS patient_releases (
                patient_id   TEXT    NOT NULL PRIMARY KEY,
                from_unit_id TEXT    NOT NULL,
                to_unit_id   TEXT    NOT NULL,
                released_at  INTEGER NOT NULL  -- unix ms, gateway clock
            ) WITHOUT ROWID;
            """,
        StorageProvider.PostgreSql => """
            CREATE TABLE IF NOT EXISTS patient_releases (
                patient_id   text   NOT NULL PRIMARY KEY,
                from_unit_id text   NOT NULL,
                to_unit_id   text   NOT NULL,
                released_at  bigint NOT NULL  -- unix ms, gateway clock
            );
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
