using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Storage;

public sealed class UnitStoreTests
{
    [Fact]
    public void The_database_is_a_real_file_in_wal_mode_with_the_schema()
    {
        using var harness = new StoreHarness();
        Assert.True(File.Exists(harness.Database.FilePath));
        Assert.Equal("wal", harness.Database.JournalMode());
        Assert.Equal(0, harness.Scalar("SELECT value FROM unit_state WHERE key = 'last_applied_seq';"));
        // Running the schema again is harmless.
        harness.Database.EnsureCreated();
    }

    [Fact]
    public async Task Registering_a_patient_stores_it_and_appends_a_registration_event()
    {
        using var harness = new StoreHarness();
        var signalsBefore = harness.SignalCount;

        Assert.True(await harness.Store.RegisterPatientAsync("p-transfer-in", "Ada Lovelace", new DateOnly(1990, 12, 10)));

        Assert.Contains("p-transfer-in", await harness.Store.ListPatientIdsAsync());
        var appointments = await harness.Store.GetAppointmentsAsync("p-transfer-in");
        Assert.NotNull(appointments);
        Assert.Empty(appointments.Appointments);
        var evt = Assert.Single(harness.Outbox.ReadAfter(0, 10));
        Assert.Equal(UnitEventKinds.PatientRegistered, evt.Kind);
        Assert.Equal("p-transfer-in", evt.PatientId);
        Assert.Equal(StoreHarness.DefaultNow, evt.OccurredAt);
        var payload = FrameCodec.FromElement(evt.Payload!.Value, ProtocolJsonContext.Default.PatientRegistered, out _);
        Assert.Equal("Ada Lovelace", payload!.DisplayName);
        Assert.True(harness.SignalCount > signalsBefore);
    }

    [Fact]
    public async Task Registering_a_present_patient_again_changes_nothing()
    {
        using var harness = new StoreHarness();
        await harness.Store.RegisterPatientAsync("p-1", "Ada Lovelace");
        Assert.False(await harness.Store.RegisterPatientAsync("p-1", "Ada Lovelace"));
        Assert.Single(harness.Outbox.ReadAfter(0, 10));
    }

    [Fact]
    public async Task Departing_hides_the_patient_and_appends_a_departure_event_and_they_can_return()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 3);
        var patientId = (await harness.Store.ListPatientIdsAsync())[1];

        Assert.True(await harness.Store.DepartPatientAsync(patientId));
        Assert.False(await harness.Store.DepartPatientAsync(patientId));
        Assert.False(await harness.Store.DepartPatientAsync("p-unknown"));

        Assert.Null(await harness.Store.GetAppointmentsAsync(patientId));
        Assert.DoesNotContain(patientId, await harness.Store.ListPatientIdsAsync());
        var departure = harness.Outbox.ReadAfter(3, 10).Single();
        Assert.Equal(UnitEventKinds.PatientDeparted, departure.Kind);
        Assert.Equal(patientId, departure.PatientId);
        Assert.Equal(4, departure.Seq);

        Assert.True(await harness.Store.RegisterPatientAsync(patientId, "Back Again"));
        Assert.NotNull(await harness.Store.GetInvoicesAsync(patientId));
        Assert.Equal(UnitEventKinds.PatientRegistered, harness.Outbox.ReadAfter(4, 10).Single().Kind);
    }

    [Fact]
    public async Task Releasing_hides_the_patient_and_appends_a_release_naming_the_new_unit()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 2);
        var patientId = (await harness.Store.ListPatientIdsAsync())[0];

        Assert.True(await harness.Store.ReleasePatientAsync(patientId, "unit-next"));
        Assert.False(await harness.Store.ReleasePatientAsync(patientId, "unit-next"));
        Assert.False(await harness.Store.ReleasePatientAsync("p-unknown", "unit-next"));
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Store.ReleasePatientAsync(patientId, new string('u', 129)));

        Assert.Null(await harness.Store.GetAppointmentsAsync(patientId));
        var release = harness.Outbox.ReadAfter(2, 10).Single();
        Assert.Equal(UnitEventKinds.PatientReleased, release.Kind);
        Assert.Equal(patientId, release.PatientId);
        var payload = FrameCodec.FromElement(release.Payload!.Value, ProtocolJsonContext.Default.PatientReleased, out var error);
        Assert.Null(error);
        Assert.Equal("unit-next", payload!.ToUnitId);
    }

    [Fact]
    public async Task The_gateways_refusals_are_kept_once_each()
    {
        using var harness = new StoreHarness();
        var refusal = new EventRefusal(3, "ev-3", EventRefusalCodes.NotOwner, "the patient is registered at another unit");

        Assert.Equal(1, harness.Outbox.RecordRefusals([refusal], DateTimeOffset.UtcNow));
        Assert.Equal(0, harness.Outbox.RecordRefusals([refusal], DateTimeOffset.UtcNow)); // the same refusal, resent
        Assert.Equal([refusal], harness.Outbox.ListRefusals());
    }

    [Fact]
    public async Task Reads_for_an_unknown_patient_are_null()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 2);
        Assert.Null(await harness.Store.GetAppointmentsAsync("p-nobody"));
        Assert.Null(await harness.Store.GetInvoicesAsync("p-nobody"));
        Assert.Null(await harness.Store.GetMedicalRecordAsync("p-nobody"));
    }
}
