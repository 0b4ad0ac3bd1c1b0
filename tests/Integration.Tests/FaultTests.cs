using System.Diagnostics;
using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Nothing lost, nothing applied twice, nothing out of order, with real processes killed with
/// SIGKILL and the units' own SQLite files as the ground truth.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Clinician = "Fault Test";
    private readonly TempDirectory _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private string UnitsDirectory => _temp.Sub("units");

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero).AddHours(n);

    private static long Effects(string db) => UnitLedger.Count(db, "appointments", $"clinician = '{Clinician}'");

    /// <summary>Registers each unit's roster with the gateway, then takes the units offline.</summary>
    private async Task<Dictionary<string, string>> RegisterThenGoOfflineAsync(GatewayProcess gateway, IEnumerable<string> unitIds)
    {
        var patients = new Dictionary<string, string>();
        foreach (var unitId in unitIds)
        {
            await using var unit = await UnitNodeHost.StartAsync(unitId, UnitsDirectory, gateway.WebSocketBase,
                gateway.Tokens.Mint(Roles.Unit, unitId, TimeSpan.FromHours(1)), seedPatients: 2);
            var patientId = (await unit.PatientIdsAsync())[0];
            var token = gateway.Tokens.Mint(Roles.Patient, patientId, TimeSpan.FromHours(1));
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await Get(gateway, $"/api/v1/patients/{patientId}/invoices", token)).StatusCode));
            patients[unitId] = patientId;
        }
        return patients;
    }

    private static async Task<HttpResponseMessage> Get(GatewayProcess gateway, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await gateway.Http.SendAsync(request);
    }

    private static async Task<string?> BookAsync(GatewayProcess gateway, string patientId, string token, int slot)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Prefer", "respond-async");
        request.Content = System.Net.Http.Json.JsonContent.Create(new { startsAt = Slot(slot), durationMinutes = 30, clinician = Clinician, reason = "fault test" });
        var response = await gateway.Http.SendAsync(request);
        return response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Created or HttpStatusCode.OK
            ? response.Headers.Location!.ToString().Split('/')[^1]
            : null;
    }

    [Fact]
    public async Task Writes_queued_for_offline_units_survive_kill_9_of_the_gateway()
    {
        await using var gateway = new GatewayProcess(_temp.Sub("gw"));
        await gateway.StartAsync();
        var unitIds = Enumerable.Range(1, 10).Select(i => $"unit-k{i}").ToList();
        var patients = await RegisterThenGoOfflineAsync(gateway, unitIds);

        // 1,000 writes, 100 per offline unit (units in parallel, each unit's writes in order).
        var accepted = new Dictionary<string, IReadOnlyList<string>>();
        await Task.WhenAll(unitIds.Select(async unitId =>
        {
            var token = gateway.Tokens.Mint(Roles.Patient, patients[unitId], TimeSpan.FromHours(1));
            var ids = new List<string>();
            for (var i = 0; i < 100; i++)
                if (await BookAsync(gateway, patients[unitId], token, i) is { } id) ids.Add(id);
            lock (accepted) accepted[UnitLedger.DatabasePath(UnitsDirectory, unitId)] = ids;
        }));
        Assert.Equal(1000, accepted.Values.Sum(v => v.Count));

        await gateway.KillAsync();
        var recovery = Stopwatch.StartNew();
        var ready = await gateway.StartAsync();
        output.WriteLine($"gateway ready {ready.TotalSeconds:F1}s after restart");

        var units = await Task.WhenAll(unitIds.Select(unitId => UnitNodeHost.StartAsync(unitId, UnitsDirectory, gateway.WebSocketBase,
            gateway.Tokens.Mint(Roles.Unit, unitId, TimeSpan.FromHours(1)))));
        try
        {
            await Eventually.AssertAsync(() =>
            {
                foreach (var (db, ids) in accepted) Assert.Equal(ids.Count, UnitLedger.Applied(db).Count);
                return Task.CompletedTask;
            }, TimeSpan.FromMinutes(3));
            recovery.Stop();
        }
        finally
        {
            foreach (var unit in units) await unit.DisposeAsync();
        }

        var report = FaultReport.Measure("kill -9 gateway with 1,000 writes queued for 10 offline units", accepted, recovery.Elapsed, Effects);
        report.WriteTo(output);
        report.AssertNothingLost();
    }

    [Fact]
    public async Task A_unit_killed_with_kill_9_while_applying_applies_nothing_twice()
    {
        await using var gateway = new GatewayProcess(_temp.Sub("gw"));
        await gateway.StartAsync();
        const string unitId = "unit-crash";
        var patients = await RegisterThenGoOfflineAsync(gateway, [unitId]);
        var patientId = patients[unitId];
        var token = gateway.Tokens.Mint(Roles.Patient, patientId, TimeSpan.FromHours(1));
        var db = UnitLedger.DatabasePath(UnitsDirectory, unitId);

        var ids = new List<string>();
        for (var i = 0; i < 300; i++) ids.Add((await BookAsync(gateway, patientId, token, i))!);

        var unitArgs = new[] { "--Unit:Id", unitId, "--Unit:DataDirectory", UnitsDirectory };
        var environment = new Dictionary<string, string>
        {
            ["Gateway__Url"] = gateway.WebSocketBase.ToString().TrimEnd('/'),
            ["Gateway__Token"] = gateway.Tokens.Mint(Roles.Unit, unitId, TimeSpan.FromHours(1)),
            ["Gateway__ReconnectMinDelay"] = "00:00:00.100",
            ["Gateway__ReconnectMaxDelay"] = "00:00:01",
        };

        // Kill the unit in the middle of draining its backlog, twice, then let it finish.
        var kills = 0;
        for (var round = 0; round < 2; round++)
        {
            await using var unit = ChildProcess.Start(RepoPaths.UnitNodeDll, unitArgs, environment);
            var before = UnitLedger.Applied(db).Count;
            await Eventually.AssertAsync(() =>
            {
                Assert.False(unit.HasExited, unit.Output);
                Assert.True(UnitLedger.Applied(db).Count > before + 20);
                return Task.CompletedTask;
            }, TimeSpan.FromSeconds(60));
            await unit.KillAsync();
            kills++;
        }

        var recovery = Stopwatch.StartNew();
        await using (var last = ChildProcess.Start(RepoPaths.UnitNodeDll, unitArgs, environment))
        {
            await Eventually.AssertAsync(() =>
            {
                Assert.Equal(ids.Count, UnitLedger.Applied(db).Count);
                return Task.CompletedTask;
            }, TimeSpan.FromMinutes(2));
            recovery.Stop();
            // Every operation ends applied at the gateway too (the unit's outcome reached it).
            await Eventually.AssertAsync(async () =>
            {
                var response = await Get(gateway, $"/api/v1/operations/{ids[^1]}", token);
                Assert.Equal("applied", (await response.JsonAsync()).GetProperty("status").GetString());
            });
        }

        var report = FaultReport.Measure($"kill -9 the unit {kills}x while it applies 300 queued writes", new Dictionary<string, IReadOnlyList<string>> { [db] = ids }, recovery.Elapsed, Effects);
        report.WriteTo(output);
        report.AssertNothingLost();
    }
}

/// <summary>
/// Fault tests run one at a time (each starts and kills several processes), but beside the other collections:
/// they mostly wait on processes and sockets.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "fault tests (real processes)";
}
