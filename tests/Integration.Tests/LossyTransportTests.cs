using System.Diagnostics;
using System.Net;
using HealthGateway.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests;

/// <summary>Frames lost or delayed between unit and gateway: every write still applied once, in order.</summary>
[Collection(FaultCollection.Name)]
public sealed class LossyTransportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Clinician = "Fault Test";
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:DeliveryAckTimeout"] = "00:00:00.500",
            ["Gateway:DeliveryWindow"] = "32",
            ["Gateway:MaxBacklogPerUnit"] = "5000",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Two_thousand_writes_through_a_lossy_link_are_all_applied_once_in_order()
    {
        const string unitId = "unit-lossy";
        var units = _temp.Sub("units");
        await using var proxy = await LossyProxy.StartAsync(_gateway.WebSocketBase, seed: 20261126, dropRate: 0.01, delayRate: 0.10);
        await using var unit = await UnitNodeHost.StartAsync(unitId, units, proxy.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 2);
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.NotEqual(HttpStatusCode.NotFound, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode), TimeSpan.FromSeconds(60));

        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(60), TimeSpan.Zero);
        var accepted = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
                new { startsAt = start.AddMinutes(30 * i), durationMinutes = 30, clinician = Clinician, reason = "lossy" }, prefer: "respond-async");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add(response.Headers.Location!.ToString().Split('/')[^1]);
        }

        var db = UnitLedger.DatabasePath(units, unitId);
        var drain = Stopwatch.StartNew();
        await Eventually.AssertAsync(() =>
        {
            Assert.Equal(accepted.Count, UnitLedger.Applied(db).Count);
            return Task.CompletedTask;
        }, TimeSpan.FromMinutes(4));

        output.WriteLine($"proxy forwarded {proxy.Forwarded}, dropped {string.Join(", ", proxy.Dropped.Select(d => $"{d.Key} x{d.Value}"))}, delayed {proxy.Delayed.Values.Sum()}");
        var report = FaultReport.Measure($"1% of traffic frames dropped, 10% delayed (dropped: {string.Join(", ", proxy.Dropped.OrderBy(d => d.Key).Select(d => $"{d.Key} {d.Value}"))})",
            new Dictionary<string, IReadOnlyList<string>> { [db] = accepted }, drain.Elapsed,
            d => UnitLedger.Count(d, "appointments", $"clinician = '{Clinician}'"));
        report.WriteTo(output);
        report.AssertNothingLost();
        Assert.True(proxy.Dropped.GetValueOrDefault("Deliver") > 0 && proxy.Dropped.GetValueOrDefault("Ack") > 0, "the link dropped no deliveries or acks");
    }
}
