using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Handlers;
using HealthGateway.UnitNode.Seeding;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Tests.Handlers;

/// <summary>patient.demographics against a real SQLite store: seeded name, gender and birth date; only the unit's own patients.</summary>
public sealed class GetDemographicsHandlerTests
{
    [Fact]
    public async Task A_seeded_patient_answers_with_name_gender_and_birth_date_as_stored()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 2);
        var patientId = DeterministicIds.PatientId(harness.UnitId, 0);
        var handler = new GetDemographicsHandler(harness.Store);

        var result = await handler.HandleAsync(RequestFor(patientId), CancellationToken.None);

        Assert.Equal(ReplyStatus.Ok, result.Status);
        var demographics = FrameCodec.FromElement(result.Payload!.Value, ProtocolJsonContext.Default.PatientDemographics, out var error);
        Assert.Null(error);
        Assert.Equal(patientId, demographics!.PatientId);
        using var connection = harness.Database.Open();
        using var row = connection.CreateCommand();
        row.CommandText = "SELECT display_name, gender, birth_date FROM patients WHERE id = $id;";
        row.Parameters.AddWithValue("$id", patientId);
        using var reader = row.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(reader.GetString(0), demographics.Name);
        Assert.Equal(DemoCatalog.GenderOf(reader.GetString(0).Split(' ')[0]), demographics.Gender);
        Assert.Equal(reader.GetString(1), demographics.Gender is AdministrativeGender.Female ? "female" : "male");
        Assert.Equal(DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd"), demographics.BirthDate);
    }

    [Fact]
    public async Task Another_units_patient_or_a_departed_one_is_not_found()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 1);
        var handler = new GetDemographicsHandler(harness.Store);
        var elsewhere = DeterministicIds.PatientId("unit-other", 0);
        Assert.Equal(ReplyStatus.NotFound, (await handler.HandleAsync(RequestFor(elsewhere), CancellationToken.None)).Status);

        var patientId = DeterministicIds.PatientId(harness.UnitId, 0);
        Assert.True(await harness.Store.DepartPatientAsync(patientId));
        var departed = await handler.HandleAsync(RequestFor(patientId), CancellationToken.None);
        Assert.Equal(ReplyStatus.NotFound, departed.Status);
        Assert.Null(departed.Payload);
    }

    [Fact]
    public async Task A_patient_registered_without_gender_or_birth_date_leaves_them_out()
    {
        using var harness = new StoreHarness();
        Assert.True(await harness.Store.RegisterPatientAsync("p-walk-in", "Ada Lovelace"));

        var result = await new GetDemographicsHandler(harness.Store).HandleAsync(RequestFor("p-walk-in"), CancellationToken.None);

        Assert.Equal(ReplyStatus.Ok, result.Status);
        Assert.Equal("""{"patientId":"p-walk-in","name":"Ada Lovelace"}""", result.Payload!.Value.GetRawText());
    }

    [Fact]
    public async Task A_store_made_before_the_gender_column_gets_it_and_keeps_its_rows()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "old.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            // The patients table as version 1 of the store made it, with one patient in it.
            create.CommandText = """
                CREATE TABLE patients (id TEXT PRIMARY KEY, display_name TEXT NOT NULL, birth_date TEXT NULL,
                    registered_at INTEGER NOT NULL, departed_at INTEGER NULL);
                INSERT INTO patients(id, display_name, birth_date, registered_at) VALUES ('p-old', 'Ben Novak', '1970-01-02', 0);
                """;
            create.ExecuteNonQuery();
        }

        var database = new UnitDatabase(path);
        database.EnsureCreated();
        database.EnsureCreated(); // again: the column is there now, nothing to add
        var store = new UnitStore(database, new OutboxSignal(), new ManualTimeProvider(StoreHarness.DefaultNow));

        var result = await new GetDemographicsHandler(store).HandleAsync(RequestFor("p-old"), CancellationToken.None);

        Assert.Equal(ReplyStatus.Ok, result.Status);
        Assert.Equal("""{"patientId":"p-old","name":"Ben Novak","birthDate":"1970-01-02"}""", result.Payload!.Value.GetRawText());
    }

    private static Request RequestFor(string patientId) =>
        new(Guid.NewGuid().ToString("N"), Operations.GetDemographics, patientId, DateTimeOffset.UtcNow.AddSeconds(10));
}
