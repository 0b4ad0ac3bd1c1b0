using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// <c>dotnet run --project src/AppHost</c> as a new user runs it (the built AppHost, real DCP, real dashboard): the
/// gateway it starts becomes ready, the unit it starts serves a patient's read through it, and stopping the AppHost
/// stops everything it started. Ports and the data directory are the test's own, so a running demo is not disturbed.
/// </summary>
public sealed class AppHostTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _dashboardPort = FreePort.Next();
    private ChildProcess? _appHost;

    private static string AppHostDll => Path.Combine(RepoPaths.Root, "src", "AppHost", "bin", RepoPaths.Configuration, "net10.0", "HealthGateway.AppHost.dll");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_appHost is not null) await _appHost.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_apphost_starts_a_ready_gateway_and_a_unit_serving_reads_and_stopping_it_stops_them()
    {
        // What the launch profile sets, on free ports (the dashboard without TLS, as on a machine without a dev certificate).
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_dashboardPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        };
        _appHost = ChildProcess.Start(AppHostDll,
            ["--AppHost:GatewayPort", $"{_gatewayPort}", "--AppHost:DataDirectory", _temp.Path, "--AppHost:Units", "1", "--AppHost:Patients", "2"],
            environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_gatewayPort}"), Timeout = TimeSpan.FromSeconds(10) };

        await Eventually.AssertAsync(async () =>
        {
            Assert.False(_appHost.HasExited, $"the AppHost exited:\n{_appHost.Output}");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
        }, TimeSpan.FromSeconds(120));

        var data = Path.Combine(_temp.Path, "single");
        var patientId = await UnitPatients.FirstAsync("unit-1", Path.Combine(data, "units"), () => !_appHost.HasExited);
        var tokens = new TokenIssuer(DevSigningKey.LoadOrCreate(DevSigningKey.DefaultPath(Path.Combine(data, "gateway"))), new AuthOptions());
        await Eventually.AssertAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patients/{patientId}/appointments");
            request.Headers.Authorization = new("Bearer", tokens.Mint(Roles.Patient, patientId, TimeSpan.FromMinutes(10)));
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }, TimeSpan.FromSeconds(60));
        // The admin token file it printed is where it said, and only its owner can read it.
        var admin = Path.Combine(data, "tokens", "admin.jwt");
        Assert.True(File.Exists(admin), admin);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(admin));
        using (var dashboard = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            Assert.True((await dashboard.GetAsync($"http://127.0.0.1:{_dashboardPort}/")).StatusCode < HttpStatusCode.InternalServerError);

        var appHostPid = _appHost.Id;
        Assert.True(await _appHost.TerminateAsync(TimeSpan.FromSeconds(60)), "the AppHost did not stop on SIGTERM");
        // What it started is gone: the gateway's port is closed, no process names the test's data directory, and
        // DCP (the orchestrator, which watches the AppHost's pid) has exited too.
        await Eventually.AssertAsync(async () =>
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/healthz/ready"));
            Assert.Empty(ProcessesNaming(_temp.Path));
            Assert.Empty(ProcessesNaming($"--monitor {appHostPid} "));
        }, TimeSpan.FromSeconds(60));
    }

    private static List<string> ProcessesNaming(string text) =>
    [
        .. Directory.EnumerateDirectories("/proc")
            .Select(dir => Path.Combine(dir, "cmdline"))
            .Select(file => { try { return File.ReadAllText(file).Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(line => line.Contains(text, StringComparison.Ordinal)),
    ];
}
