using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway.Routing;

/// <summary>
/// The <c>patient_claims</c> table: registrations refused because another unit owns the patient. A claim has no effect
/// of its own; if the owner later releases the patient to the claiming unit, the transfer completes at once, so the
/// order in which the two units' events arrive does not matter.
/// </summary>
public sealed class PatientClaimsTable : IGatewayTable
{
    public string Name => "patient_claims";

    public string CreateStatements(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => """
            CREATE TABLE IF NOT EXISTS patient_claims (
                patient_id TEXT    NOT NULL,
                unit_id    TEXT    NOT NULL,
                claimed_at INTEGER NOT NULL,  -- unix ms, gateway clock
                PRIMARY KEY (patient_id, unit_id)
            ) WITHOUT ROWID;
            """,
        StorageProvider.PostgreSql => """
            CREATE TABLE IF NOT EXISTS patient_claims (
                patient_id text   NOT NULL,
                unit_id    text   NOT NULL,
                claimed_at bigint NOT NULL,  -- unix ms, gateway clock
                PRIMARY KEY (patient_id, unit_id)
            );
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
