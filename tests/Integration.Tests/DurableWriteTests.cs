using System.Net;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>Durable writes end to end: REST -> persisted session backlog -> real UnitNode -> outcome.</summary>
public sealed class DurableWriteTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:MaxBacklogPerUnit"] = "20",
            ["Gateway:WriteWait"] = "00:00:05",
            ["Gateway:WriteTimeToLive:invoices.pay"] = "00:00:01",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private string UnitsDirectory => _temp.Sub("units");

    private async Task<(UnitNodeHost Unit, string PatientId, string Token)> OnlineUnitAsync(string unitId)
    {
        var unit = await UnitNodeHost.StartAsync(unitId, UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 3);
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));
        return (unit, patientId, token);
    }

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30), TimeSpan.Zero).AddHours(n);

    [Fact]
    public async Task A_booking_with_the_unit_online_is_applied_and_answered_201()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w1");
        await using var _ = unit;

        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(1)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("applied", body.GetProperty("status").GetString());
        var appointmentId = body.GetProperty("result").GetProperty("id").GetString()!;
        Assert.Equal(response.Headers.Location!.ToString(), $"/api/v1/operations/{body.GetProperty("id").GetString()}");
        Assert.Equal("applied", await _gateway.OperationStatusAsync(response.Headers.Location!.ToString(), token));
        var local = (await unit.Store.GetAppointmentsAsync(patientId))!;
        Assert.Single(local.Appointments, a => a.Id == appointmentId);
    }

    [Fact]
    public async Task Writes_for_an_offline_unit_are_accepted_202_and_applied_in_order_when_it_connects()
    {
        // Register the unit's patients, then take the unit offline.
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w2");
        await unit.DisposeAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));

        var locations = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
                WriteClient.Booking(Slot(i)), prefer: "respond-async");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("respond-async", response.Headers.GetValues("Preference-Applied").Single());
            Assert.Equal("queued", (await response.JsonAsync()).GetProperty("status").GetString());
            locations.Add(response.Headers.Location!.ToString());
        }

        await using var back = await UnitNodeHost.StartAsync("unit-w2", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-w2"));
        foreach (var location in locations)
            await Eventually.AssertAsync(async () => Assert.Equal("applied", await _gateway.OperationStatusAsync(location, token)));

        var applied = UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, "unit-w2"));
        Assert.Equal(locations.Select(l => l.Split('/')[^1]), applied.Select(a => a.MessageId));
        Assert.Equal(applied.Select(a => a.Seq).Order(), applied.Select(a => a.Seq));
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_operation_and_a_different_body_is_409()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w3");
        await using var _ = unit;
        var path = $"/api/v1/patients/{patientId}/appointments";

        var first = await _gateway.SendAsync(HttpMethod.Post, path, token, WriteClient.Booking(Slot(2)), idempotencyKey: "key-1");
        var again = await _gateway.SendAsync(HttpMethod.Post, path, token, WriteClient.Booking(Slot(2)), idempotencyKey: "key-1");
        var different = await _gateway.SendAsync(HttpMethod.Post, path, token, WriteClient.Booking(Slot(3)), idempotencyKey: "key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).GetProperty("id").GetString(), (await again.JsonAsync()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(1, UnitLedger.Count(UnitLedger.DatabasePath(UnitsDirectory, "unit-w3"), "appointments",
            $"patient_id = '{patientId}' AND starts_at = {Slot(2).ToUnixTimeMilliseconds()}")
            + UnitLedger.Count(UnitLedger.DatabasePath(UnitsDirectory, "unit-w3"), "appointments",
            $"patient_id = '{patientId}' AND starts_at = {Slot(2).ToUnixTimeSeconds()}"));
    }

    [Fact]
    public async Task A_rejected_write_is_422_with_its_reason_and_does_not_block_the_next()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w4");
        await using var _ = unit;
        var invoice = (await unit.Store.GetInvoicesAsync(patientId))!.Invoices.First(i => i.Status == Protocol.Contracts.InvoiceStatus.Open);

        var wrong = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/invoices/{invoice.Id}/payments", token,
            new { amountCents = invoice.AmountCents + 1, currency = invoice.Currency, paymentReference = "card-1" });
        var right = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/invoices/{invoice.Id}/payments", token,
            new { amountCents = invoice.AmountCents, currency = invoice.Currency, paymentReference = "card-2" });
        var twice = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/invoices/{invoice.Id}/payments", token,
            new { amountCents = invoice.AmountCents, currency = invoice.Currency, paymentReference = "card-3" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal("amount_mismatch", (await wrong.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice.StatusCode);
        Assert.Equal("already_paid", (await twice.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal("rejected", await _gateway.OperationStatusAsync(wrong.Headers.Location!.ToString(), token));
    }

    [Fact]
    public async Task Reschedule_and_cancel_are_applied()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w5");
        await using var _ = unit;
        var booked = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(5)));
        var appointmentId = (await booked.JsonAsync()).GetProperty("result").GetProperty("id").GetString();

        var moved = await _gateway.SendAsync(HttpMethod.Put, $"/api/v1/patients/{patientId}/appointments/{appointmentId}", token, new { startsAt = Slot(6) });
        var cancelled = await _gateway.SendAsync(HttpMethod.Delete, $"/api/v1/patients/{patientId}/appointments/{appointmentId}?reason=feeling+better", token);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var local = (await unit.Store.GetAppointmentsAsync(patientId))!.Appointments.Single(a => a.Id == appointmentId);
        Assert.Equal(Protocol.Contracts.AppointmentStatus.Cancelled, local.Status);
        Assert.Equal(Slot(6), local.StartsAt);
    }

    [Fact]
    public async Task Invalid_bodies_are_400_with_field_errors_and_store_nothing()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w6");
        await using var owned = unit;

        var missing = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, new { durationMinutes = 1000 });
        var badCurrency = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/invoices/i-1/payments", token,
            new { amountCents = -5, currency = "euro", paymentReference = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("startsAt", out _));
        Assert.True(errors.TryGetProperty("durationMinutes", out _));
        Assert.True(errors.TryGetProperty("clinician", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badCurrency.StatusCode);
        var payErrors = (await badCurrency.JsonAsync()).GetProperty("errors");
        Assert.True(payErrors.TryGetProperty("amountCents", out _));
        Assert.True(payErrors.TryGetProperty("currency", out _));
        Assert.Empty(UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, "unit-w6")));
    }

    [Fact]
    public async Task A_body_over_the_cap_is_413()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w7");
        await using var _ = unit;
        var huge = new { startsAt = Slot(1), durationMinutes = 30, clinician = "Dr. X", reason = new string('r', 70_000) };

        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Beyond_the_backlog_cap_writes_get_503_and_nothing_is_dropped()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w8");
        await unit.DisposeAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));

        var accepted = new List<string>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 25 && refused is null; i++)
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
                WriteClient.Booking(Slot(i)), prefer: "respond-async");
            if (response.StatusCode == HttpStatusCode.Accepted) accepted.Add(response.Headers.Location!.ToString());
            else refused = response;
        }

        Assert.Equal(20, accepted.Count);
        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused!.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);

        await using var back = await UnitNodeHost.StartAsync("unit-w8", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-w8"));
        foreach (var location in accepted)
            await Eventually.AssertAsync(async () => Assert.Equal("applied", await _gateway.OperationStatusAsync(location, token)));
        Assert.Equal(20, UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, "unit-w8")).Count);
    }

    [Fact]
    public async Task A_patient_cannot_see_another_patients_operation()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-w9");
        await using var _ = unit;
        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(9)));
        var location = response.Headers.Location!.ToString();

        var other = await _gateway.GetAsync(location, _gateway.PatientToken("p-someone-else"));
        var garbage = await _gateway.GetAsync("/api/v1/operations/not-an-operation", token);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
    }

    [Fact]
    public async Task A_patient_cannot_write_for_another_patient()
    {
        var (unit, patientId, _) = await OnlineUnitAsync("unit-w10");
        await using var __ = unit;

        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments",
            _gateway.PatientToken("p-intruder"), WriteClient.Booking(Slot(1)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, "unit-w10")));
    }

    [Fact]
    public async Task A_payment_that_reaches_the_unit_after_its_time_to_live_ends_expired_and_changes_nothing()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-ttl");
        var invoice = (await unit.Store.GetInvoicesAsync(patientId))!.Invoices.First(i => i.Status == Protocol.Contracts.InvoiceStatus.Open);
        await unit.DisposeAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));

        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/invoices/{invoice.Id}/payments", token,
            new { amountCents = invoice.AmountCents, currency = invoice.Currency, paymentReference = "late" }, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var expiresAt = (await response.JsonAsync()).GetProperty("expiresAt").GetDateTimeOffset();
        await Eventually.AssertAsync(() => { Assert.True(DateTimeOffset.UtcNow > expiresAt); return Task.CompletedTask; });

        await using var back = await UnitNodeHost.StartAsync("unit-ttl", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-ttl"));
        await Eventually.AssertAsync(async () => Assert.Equal("expired", await _gateway.OperationStatusAsync(response.Headers.Location!.ToString(), token)));
        var stillOpen = (await back.Store.GetInvoicesAsync(patientId))!.Invoices.Single(i => i.Id == invoice.Id);
        Assert.Equal(Protocol.Contracts.InvoiceStatus.Open, stillOpen.Status);
    }

    [Fact]
    public async Task Front_desk_changes_made_while_offline_reach_the_gateway_in_order_on_reconnect()
    {
        var (unit, leaving, _) = await OnlineUnitAsync("unit-desk");
        await unit.DisposeAsync();

        // The gateway is unreachable for this unit: a new patient registers at the front desk, another leaves.
        await using (var offline = await UnitNodeHost.StartAsync("unit-desk", UnitsDirectory, new Uri("ws://127.0.0.1:1"), _gateway.UnitToken("unit-desk")))
        {
            Assert.True(await offline.Store.RegisterPatientAsync("p-walk-in", "Walk-in Patient"));
            Assert.True(await offline.Store.DepartPatientAsync(leaving));
        }

        await using var online = await UnitNodeHost.StartAsync("unit-desk", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-desk"));
        var token = _gateway.PatientToken("p-walk-in");
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/api/v1/patients/p-walk-in/appointments", token)).StatusCode));
        // The departure came after the registration in the unit's outbox, and the directory applied both.
        var leavingToken = _gateway.PatientToken(leaving);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.NotFound, (await _gateway.GetAsync($"/api/v1/patients/{leaving}/appointments", leavingToken)).StatusCode));
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("tab\there")]
    public async Task An_invalid_idempotency_key_is_400_and_stores_nothing(string key)
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-key");
        await using var owned = unit;
        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(Slot(1)), idempotencyKey: key);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, "unit-key")));
    }

    [Fact]
    public async Task An_overlong_idempotency_key_is_400()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-key2");
        await using var owned = unit;
        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(Slot(1)), idempotencyKey: new string('k', Gateway.Api.WriteSubmitter.MaxIdempotencyKeyLength + 1));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Prefer_wait_is_capped_and_the_applied_preference_says_so()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-pref");
        await using var owned = unit;
        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(Slot(3)), prefer: "wait=3600");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("wait=30", response.Headers.GetValues("Preference-Applied").Single()); // Gateway:MaxWriteWait
    }
}
