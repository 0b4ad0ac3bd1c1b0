using System.Diagnostics;
using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using System.Net;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests;

/// <summary>Faults in the socket path and the journal, with the gateway in-process and real units and sockets.</summary>
[Collection(FaultCollection.Name)]
public sealed class DeliveryFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Clinician = "Fault Test";
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:MaxBacklogPerUnit"] = "50",
            ["Gateway:DeliveryWindow"] = "8",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private string UnitsDirectory => _temp.Sub("units");
    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(50), TimeSpan.Zero).AddHours(n);
    private static long Effects(string db) => UnitLedger.Count(db, "appointments", $"clinician = '{Clinician}'");

    private Task<UnitNodeHost> StartUnitAsync(string unitId, int seed = 0) =>
        UnitNodeHost.StartAsync(unitId, UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken(unitId), seed);

    private async Task<(string PatientId, string Token)> RegisteredPatientAsync(UnitNodeHost unit)
    {
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));
        return (patientId, token);
    }

    private async Task<HttpResponseMessage> BookAsync(string patientId, string token, int slot, string? key = null) =>
        await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            new { startsAt = Slot(slot), durationMinutes = 30, clinician = Clinician, reason = "fault test" },
            idempotencyKey: key, prefer: "respond-async");

    private static string OperationOf(HttpResponseMessage response) => response.Headers.Location!.ToString().Split('/')[^1];

    [Fact]
    public async Task A_unit_that_drops_its_connection_mid_burst_gets_everything_once_in_order()
    {
        const string unitId = "unit-drop";
        var unit = await StartUnitAsync(unitId, seed: 2);
        var (patientId, token) = await RegisteredPatientAsync(unit);
        var accepted = new List<string>();

        for (var i = 0; i < 300; i++)
        {
            if (i is 100 or 200)
            {
                await unit.DisposeAsync(); // the connection drops in the middle of the burst
                unit = await StartUnitAsync(unitId);
            }
            // A 503 (backlog full while the unit is away) stored nothing: the client retries with the same key.
            var slot = i;
            var response = await Eventually.GetAsync(() => BookAsync(patientId, token, slot, key: $"burst-{slot}"),
                r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add(OperationOf(response));
        }

        var db = UnitLedger.DatabasePath(UnitsDirectory, unitId);
        var recovery = Stopwatch.StartNew();
        try
        {
            await Eventually.AssertAsync(() =>
            {
                Assert.Equal(accepted.Count, UnitLedger.Applied(db).Count);
                return Task.CompletedTask;
            }, TimeSpan.FromMinutes(2));
        }
        finally
        {
            await unit.DisposeAsync();
        }

        var report = FaultReport.Measure("unit drops its connection twice during a burst of 300 writes",
            new Dictionary<string, IReadOnlyList<string>> { [db] = accepted }, recovery.Elapsed, Effects);
        report.WriteTo(output);
        report.AssertNothingLost();
        Assert.Equal(300, accepted.Distinct().Count());
    }

    [Fact]
    public async Task A_unit_that_does_not_keep_up_gets_503_at_the_cap_and_everything_once_it_catches_up()
    {
        const string unitId = "unit-slow";
        await using (var unit = await StartUnitAsync(unitId, seed: 2)) { await RegisteredPatientAsync(unit); }
        var patientId = (await UnitNodeHostPatients(unitId))[0];
        var token = _gateway.PatientToken(patientId);

        // A unit that reads deliveries but never acknowledges them.
        var (slow, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId), unitId);
        var accepted = new List<string>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 80 && refused is null; i++)
        {
            var response = await BookAsync(patientId, token, i);
            if (response.StatusCode == HttpStatusCode.Accepted) accepted.Add(OperationOf(response));
            else refused = response;
        }

        Assert.Equal(50, accepted.Count); // Gateway:MaxBacklogPerUnit
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused!.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);

        // Only the delivery window (8) was pushed to the slow unit; the rest waits in the session.
        var delivered = new List<Deliver>();
        while (delivered.Count < 8) delivered.Add(Assert.IsType<Deliver>(await slow.ReceiveAsync()));
        var status = await _gateway.Region.Ask<Gateway.Units.Messages.UnitSessionReplies.SessionStatus>(
            new Gateway.Units.Messages.UnitSessionCommands.GetStatus(unitId), TimeSpan.FromSeconds(10));
        Assert.Equal(50, status.Backlog);
        await slow.DisposeAsync();

        // A real unit catches up: every accepted write applied once, in order.
        var recovery = Stopwatch.StartNew();
        await using (var unit = await StartUnitAsync(unitId))
        {
            var db = UnitLedger.DatabasePath(UnitsDirectory, unitId);
            await Eventually.AssertAsync(() =>
            {
                Assert.Equal(accepted.Count, UnitLedger.Applied(db).Count);
                return Task.CompletedTask;
            }, TimeSpan.FromMinutes(2));
            var report = FaultReport.Measure("slow unit: backlog cap 50 reached, then drained",
                new Dictionary<string, IReadOnlyList<string>> { [db] = accepted }, recovery.Elapsed, Effects);
            report.WriteTo(output);
            report.AssertNothingLost();
        }

        // With the backlog drained, writes are accepted again.
        Assert.Equal(HttpStatusCode.Accepted, (await BookAsync(patientId, token, 500)).StatusCode);
    }

    private async Task<IReadOnlyList<string>> UnitNodeHostPatients(string unitId)
    {
        await using var reader = await StartUnitAsync(unitId);
        return await reader.PatientIdsAsync();
    }

    [Fact]
    public async Task A_journal_outage_gives_503_never_a_false_2xx_and_writes_succeed_after_it()
    {
        const string unitId = "unit-journal";
        await using var unit = await StartUnitAsync(unitId, seed: 2);
        var (patientId, token) = await RegisteredPatientAsync(unit);
        var before = await BookAsync(patientId, token, 0, key: "before");
        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);

        // Another process holds the database's write lock (a stuck backup, a disk that stopped answering).
        var outage = Stopwatch.StartNew();
        var statuses = new List<HttpStatusCode>();
        await using (var locker = new SqliteConnection(new SqliteConnectionStringBuilder
                     { DataSource = Path.Combine(_gateway.DataDirectory, "gateway.db"), Pooling = false, DefaultTimeout = 5 }.ToString()))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            var answers = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => BookAsync(patientId, token, i, key: $"during-{i}")));
            statuses.AddRange(answers.Select(r => r.StatusCode));

            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }
        output.WriteLine($"outage answers: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))} in {outage.Elapsed.TotalSeconds:F1}s");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));

        // After the outage the same requests (same Idempotency-Key) are accepted, once each. A 503 says the
        // write was not confirmed in time, not that it was dropped: one still queued for the journal when the
        // lock went away is stored then, and its retry names that operation, already applied (201) or not (202).
        var recovery = Stopwatch.StartNew();
        var during = new List<string>();
        for (var i = 1; i <= 10; i++)
        {
            var slot = i;
            var response = await Eventually.GetAsync(() => BookAsync(patientId, token, slot, key: $"during-{slot}"),
                r => r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Created, TimeSpan.FromMinutes(1));
            during.Add(OperationOf(response));
        }
        var db = UnitLedger.DatabasePath(UnitsDirectory, unitId);
        await Eventually.AssertAsync(() =>
        {
            Assert.Equal(1 + during.Count, UnitLedger.Applied(db).Count);
            return Task.CompletedTask;
        }, TimeSpan.FromMinutes(2));

        // The ten were sent at once, so the client gave them no order; a late-stored one took the place the
        // session gave it when it reached the journal. The accepted order is therefore "before" first, then the
        // gateway's sequence (which the report checks against the order the unit applied them in).
        var gatewaySeq = UnitLedger.Applied(db).GroupBy(m => m.MessageId).ToDictionary(g => g.Key, g => g.First().Seq);
        var accepted = new List<string> { OperationOf(before) };
        accepted.AddRange(during.OrderBy(op => gatewaySeq.GetValueOrDefault(op, long.MaxValue)));
        output.WriteLine($"the ten in the gateway's order: {string.Join(", ", accepted.Skip(1).Select(op => $"during-{during.IndexOf(op) + 1}"))}");

        var report = FaultReport.Measure("journal locked by another process during 10 writes",
            new Dictionary<string, IReadOnlyList<string>> { [db] = accepted }, recovery.Elapsed, Effects);
        report.WriteTo(output);
        report.AssertNothingLost();
    }
}
