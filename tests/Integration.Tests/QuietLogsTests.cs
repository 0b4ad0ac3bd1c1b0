using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// The gateway's logs with the logging configuration it ships (appsettings.json beside the binaries), against a
/// real unit: one line when the unit attaches, one when it detaches, one per failure (a rejected token, without a
/// stack trace), and nothing per request: no ASP.NET Core hosting or routing lines, no dead letters. The verbose
/// view documented in operations.md ("Log levels") brings the per-request lines back.
/// </summary>
public sealed class QuietLogsTests : IAsyncLifetime
{
    private const string UnitId = "unit-quiet";
    private readonly TempDirectory _temp = new();
    private readonly CapturedLogs _logs = new();
    private GatewayNode? _gateway;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>A gateway with the shipped logging configuration (from the host's content root), plus <paramref name="overrides"/>.</summary>
    private async Task<GatewayNode> StartGatewayAsync(string name, Dictionary<string, string?>? overrides = null) =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub(name), services: s => s.AddSingleton<ILoggerProvider>(_logs), configure: builder =>
        {
            // The test fixture turns logs down; the shipped file goes on top of it, the operator's overrides on top of that.
            var shipped = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
            Assert.True(File.Exists(shipped), $"the gateway's content root has no appsettings.json: {shipped}");
            builder.Configuration.AddJsonFile(shipped, optional: false);
            if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        });

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Shipped_logging_writes_one_line_per_attach_detach_and_failure_and_none_per_request()
    {
        var gateway = await StartGatewayAsync("gw");
        var unit = await UnitNodeHost.StartAsync(UnitId, _temp.Sub("units"), gateway.WebSocketBase, gateway.UnitToken(UnitId), seedPatients: 2);
        var detached = false;
        try
        {
            await unit.WaitConnectedAsync();
            await Eventually.AssertAsync(() => AssertOneLineAsync(LinesAbout(_logs.Lines), $"unit {UnitId}: attached"));
            var patient = (await unit.PatientIdsAsync())[0];
            var token = gateway.PatientToken(patient);
            // The unit registers its patients with the gateway right after attaching: the first read may still be 404.
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync($"/api/v1/patients/{patient}/appointments", token)).StatusCode));

            var beforeReads = _logs.Lines.Count;
            foreach (var resource in new[] { "appointments", "invoices", "records", "appointments", "invoices" })
                Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync($"/api/v1/patients/{patient}/{resource}", token)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await gateway.GetAsync("/api/v1/patients/p-nobody/appointments", token)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/healthz/ready")).StatusCode);

            // A failure: an expired token gets its one line, and no exception (no stack trace) with it.
            var expired = gateway.Tokens.Mint(Roles.Patient, patient, TimeSpan.FromMinutes(5), notBefore: DateTime.UtcNow.AddHours(-1));
            Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.GetAsync($"/api/v1/patients/{patient}/appointments", expired)).StatusCode);
            await Eventually.AssertAsync(() => AssertOneLineAsync(_logs.Lines.Skip(beforeReads), "Bearer token rejected"));

            await unit.DisposeAsync();
            detached = true;
            // The session's one line: "connection ... detached" (or "terminated" when the socket just ends).
            await Eventually.AssertAsync(() => AssertOneLineAsync(LinesAbout(_logs.Lines), $"unit {UnitId}: connection "));

            // Everything the reads left behind: the rejected token's line only.
            var duringReads = _logs.Lines.Skip(beforeReads).Where(l => l.Level >= LogLevel.Information && !l.Message.Contains($"unit {UnitId}:")).ToList();
            var rejected = Assert.Single(duringReads);
            Assert.Contains("Bearer token rejected", rejected.Message);
            Assert.Null(rejected.Exception);

            // The unit's whole life: attached, detached; nothing else about it, no dead letters, no request lines at all.
            Assert.Equal(2, LinesAbout(_logs.Lines).Count);
            var all = _logs.Lines;
            Assert.DoesNotContain(all, l => l.Message.Contains("dead letters", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(all, l => l.Level <= LogLevel.Information && l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
            Assert.DoesNotContain(all, l => l.Exception is not null);
        }
        finally
        {
            if (!detached) await unit.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_documented_verbose_setting_logs_each_request()
    {
        var gateway = await StartGatewayAsync("verbose", new() { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" });
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/healthz/live")).StatusCode);
        await Eventually.AssertAsync(() => AssertOneLineAsync(
            _logs.Lines.Where(l => l.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal)), "/healthz/live - 200"));
    }

    private static Task AssertOneLineAsync(IEnumerable<CapturedLogs.Line> lines, string containing)
    {
        Assert.Single(lines, l => l.Message.Contains(containing, StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    private static List<CapturedLogs.Line> LinesAbout(IEnumerable<CapturedLogs.Line> lines) =>
        lines.Where(l => l.Level >= LogLevel.Information && l.Message.Contains($"unit {UnitId}:")).ToList();
}
