using System.Diagnostics;
using System.Text.Json;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.UnitNode.Seeding;
using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Seeding;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task Same_unit_gets_the_same_patient_ids_and_content_in_separate_databases()
    {
        using var first = new StoreHarness("unit-1");
        using var second = new StoreHarness("unit-1");
        first.Seeder.Seed("unit-1", 50);
        second.Seeder.Seed("unit-1", 50);

        var ids = await first.Store.ListPatientIdsAsync();
        Assert.Equal(50, ids.Count);
        Assert.Equal(ids, await second.Store.ListPatientIdsAsync());
        foreach (var id in ids.Take(10))
        {
            Assert.Equal(await RecordJson(first, id), await RecordJson(second, id));
            Assert.Equal(
                JsonSerializer.Serialize(await first.Store.GetAppointmentsAsync(id), ProtocolJsonContext.Default.AppointmentList),
                JsonSerializer.Serialize(await second.Store.GetAppointmentsAsync(id), ProtocolJsonContext.Default.AppointmentList));
        }
    }

    [Fact]
    public async Task Different_units_get_different_ids_that_do_not_reveal_the_unit()
    {
        using var one = new StoreHarness("unit-1");
        using var two = new StoreHarness("unit-2");
        one.Seeder.Seed("unit-1", 200);
        two.Seeder.Seed("unit-2", 200);

        var idsOne = await one.Store.ListPatientIdsAsync();
        var idsTwo = await two.Store.ListPatientIdsAsync();
        Assert.Empty(idsOne.Intersect(idsTwo));
        Assert.All(idsOne.Concat(idsTwo), id =>
        {
            Assert.Matches("^p-[a-z2-7]{12}$", id);
            Assert.DoesNotContain("unit", id);
        });
        Assert.Equal(idsOne.Count, idsOne.Distinct().Count());
    }

    [Fact]
    public async Task Seeding_again_creates_nothing_and_growing_the_count_keeps_existing_patients()
    {
        using var harness = new StoreHarness();
        Assert.Equal(20, harness.Seeder.Seed(harness.UnitId, 20));
        var rowsBefore = CountAllRows(harness);

        Assert.Equal(0, harness.Seeder.Seed(harness.UnitId, 20));
        Assert.Equal(rowsBefore, CountAllRows(harness));

        var firstTwenty = await harness.Store.ListPatientIdsAsync();
        Assert.Equal(10, harness.Seeder.Seed(harness.UnitId, 30));
        Assert.Equal(firstTwenty, (await harness.Store.ListPatientIdsAsync()).Take(20));

        using var direct = new StoreHarness();
        direct.Seeder.Seed(direct.UnitId, 30);
        Assert.Equal(await direct.Store.ListPatientIdsAsync(), await harness.Store.ListPatientIdsAsync());
    }

    [Fact]
    public async Task Every_seeded_patient_is_announced_in_the_outbox_with_its_display_name()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 25);

        var events = harness.Outbox.ReadAfter(0, 1000);
        Assert.Equal(25, events.Count);
        Assert.All(events, e => Assert.Equal(UnitEventKinds.PatientRegistered, e.Kind));
        Assert.Equal(await harness.Store.ListPatientIdsAsync(), events.Select(e => e.PatientId));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), events.Select(e => e.Seq));
        var payload = FrameCodec.FromElement(events[0].Payload!.Value, ProtocolJsonContext.Default.PatientRegistered, out var error);
        Assert.Null(error);
        Assert.Matches(@"^\w+ \w+$", payload!.DisplayName);
        Assert.True(harness.SignalCount > 0);
    }

    [Fact]
    public async Task Seeded_patients_have_past_and_future_appointments_open_and_paid_invoices_and_records()
    {
        using var harness = new StoreHarness();
        harness.Seeder.Seed(harness.UnitId, 10);
        var now = harness.Time.GetUtcNow();

        foreach (var id in await harness.Store.ListPatientIdsAsync())
        {
            var appointments = (await harness.Store.GetAppointmentsAsync(id))!.Appointments;
            Assert.Contains(appointments, a => a.Status == AppointmentStatus.Booked && a.StartsAt > now);
            Assert.Contains(appointments, a => a.Status == AppointmentStatus.Completed && a.StartsAt < now);

            var invoices = (await harness.Store.GetInvoicesAsync(id))!.Invoices;
            Assert.Contains(invoices, i => i.Status == InvoiceStatus.Open);
            Assert.Contains(invoices, i => i.Status == InvoiceStatus.Paid);
            Assert.All(invoices, i =>
            {
                Assert.Equal("EUR", i.Currency);
                Assert.True(i.AmountCents > 0);
            });

            var record = (await harness.Store.GetMedicalRecordAsync(id))!;
            Assert.NotEmpty(record.Conditions);
            Assert.All(record.Conditions, c => Assert.Matches(@"^[A-Z]\d{2}(\.\d+)?$", c.Code));
            Assert.NotEmpty(record.Encounters);
        }
    }

    [Fact]
    public async Task Ten_thousand_patients_seed_in_seconds()
    {
        using var harness = new StoreHarness();
        var watch = Stopwatch.StartNew();
        Assert.Equal(10_000, harness.Seeder.Seed(harness.UnitId, 10_000));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"seeding took {watch.Elapsed}");
        Assert.Equal(10_000, (await harness.Store.ListPatientIdsAsync()).Count);
        Assert.Equal(10_000, harness.Outbox.CountUnacked());
    }

    [Fact]
    public void Patient_ids_follow_the_documented_derivation()
    {
        Assert.Equal(DeterministicIds.PatientId("unit-1", 0), DeterministicIds.PatientId("unit-1", 0));
        Assert.NotEqual(DeterministicIds.PatientId("unit-1", 0), DeterministicIds.PatientId("unit-1", 1));
        Assert.NotEqual(DeterministicIds.PatientId("unit-1", 0), DeterministicIds.PatientId("unit-10", 0));
    }

    private static async Task<string> RecordJson(StoreHarness harness, string patientId) =>
        JsonSerializer.Serialize((await harness.Store.GetMedicalRecordAsync(patientId))!, ProtocolJsonContext.Default.MedicalRecord);

    private static long CountAllRows(StoreHarness harness) =>
        new[] { "patients", "appointments", "invoices", "allergies", "conditions", "medications", "encounters", "outbox" }
            .Sum(table => harness.Scalar($"SELECT COUNT(*) FROM {table};"));
}
