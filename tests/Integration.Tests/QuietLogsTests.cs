using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// The gateway's logs with the logging configuration it ships (appsettings.json beside the binaries), against a
/// real unit: one line when the unit attaches, one when it detaches, one per failure (a rejected token, without a
/// stack trace), and nothing per request: no ASP.NET Core hosting or routing lines, no dead letters.
/// </summary>
public sealed class QuietLogsTests : IAsyncLifetime
{
    private const string UnitId = "unit-quiet";
    private readonly TempDirectory _temp = new();
    private readonly CapturedLogs _logs = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), services: s => s.AddSingleton<ILoggerProvider>(_logs), configure: builder =>
        {
            // The test fixture turns logs down; the shipped file (from the host's content root) goes on top of it.
            var shipped = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
            Assert.True(File.Exists(shipped), $"the gateway's content root has no appsettings.json: {shipped}");
            builder.Configuration.AddJsonFile(shipped, optional: false);
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Shipped_logging_writes_one_line_per_attach_detach_and_failure_and_none_per_request()
    {
        var unit = await UnitNodeHost.StartAsync(UnitId, _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken(UnitId), seedPatients: 2);
        var detached = false;
        try
        {
            await unit.WaitConnectedAsync();
            await Eventually.AssertAsync(() => AssertOneLineAsync(LinesAbout(_logs.Lines), $"unit {UnitId}: attached"));
            var patient = (await unit.PatientIdsAsync())[0];
            var token = _gateway.PatientToken(patient);
            // The unit registers its patients with the gateway right after attaching: the first read may still be 404.
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patient}/appointments", token)).StatusCode));

            var beforeReads = _logs.Lines.Count;
            foreach (var resource in new[] { "appointments", "invoices", "records", "appointments", "invoices" })
                Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patient}/{resource}", token)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await _gateway.GetAsync("/api/v1/patients/p-nobody/appointments", token)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz/ready")).StatusCode);

            // A failure: an expired token gets its one line, and no exception (no stack trace) with it.
            var expired = _gateway.Tokens.Mint(Roles.Patient, patient, TimeSpan.FromMinutes(5), notBefore: DateTime.UtcNow.AddHours(-1));
            Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync($"/api/v1/patients/{patient}/appointments", expired)).StatusCode);
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

    private static Task AssertOneLineAsync(IEnumerable<CapturedLogs.Line> lines, string containing)
    {
        Assert.Single(lines, l => l.Message.Contains(containing, StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    private static List<CapturedLogs.Line> LinesAbout(IEnumerable<CapturedLogs.Line> lines) =>
        lines.Where(l => l.Level >= LogLevel.Information && l.Message.Contains($"unit {UnitId}:")).ToList();
}
