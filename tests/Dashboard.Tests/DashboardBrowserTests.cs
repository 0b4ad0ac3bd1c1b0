using System.Net;
using System.Text.RegularExpressions;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HealthGateway.Dashboard.Tests;

/// <summary>
/// The ops dashboard in a real headless Chromium against a real gateway and real units:
/// sign in with an admin token, see the cluster and the units, watch a unit go offline live.
/// </summary>
public sealed class DashboardBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    // Generous: the machine is shared; Playwright's expectations poll, so a fast pass costs nothing.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions SoonVisible = new() { Timeout = 60_000 };

    private readonly TempDirectory _data = new();
    private GatewayNode _gateway = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _pageErrors = [];

    public async Task InitializeAsync()
    {
        _gateway = await GatewayNode.StartAsync(_data.Sub("gateway"));
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 760 },
            ColorScheme = ColorScheme.Light,
        });
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Add(error);
        // A Content-Security-Policy violation is reported on the console: the page must not need one.
        _page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) _pageErrors.Add(message.Text);
        };
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task An_admin_sees_the_cluster_and_a_unit_going_offline_live()
    {
        await using var north = await StartUnitAsync("clinic-north");
        UnitNodeHost? south = await StartUnitAsync("clinic-south");
        try
        {
            var northPatient = await RegisteredPatientAsync(north);
            var southPatient = await RegisteredPatientAsync(south);

            await SignInAsync(_gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30)));

            var member = _page.Locator($"#members-table tr[data-member='{_gateway.ClusterAddress}']");
            await Expect(member.Locator("[data-field=status]")).ToHaveTextAsync("Up", Soon);
            await Expect(member.Locator("[data-field=reachable]")).ToHaveTextAsync("reachable", Soon);
            await Expect(_page.Locator("#leader")).ToHaveTextAsync(_gateway.ClusterAddress.Replace("akka.tcp://", ""), Soon);
            await Expect(UnitState("clinic-north")).ToHaveTextAsync("online", Soon);
            await Expect(UnitState("clinic-south")).ToHaveTextAsync("online", Soon);
            await Expect(_page.Locator("#shards-table tbody tr[data-region]").First).ToBeVisibleAsync(SoonVisible);
            await Expect(_page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });

            await south.DisposeAsync(); // the unit service stops: its socket closes
            south = null;

            await Expect(UnitState("clinic-south")).ToHaveTextAsync("offline", Soon);
            await Expect(UnitState("clinic-north")).ToHaveTextAsync("online", Soon);
            await Expect(_page.Locator("#event-log li[data-type='unit-disconnected']").First).ToBeVisibleAsync(SoonVisible);
            await Expect(_page.Locator("#tile-units")).ToHaveTextAsync("1 / 2", Soon);

            // Writes for the offline unit wait in its backlog (202); writes for the online one are applied (201).
            for (var i = 0; i < 3; i++) await BookAsync(southPatient, i, HttpStatusCode.Accepted);
            for (var i = 0; i < 12; i++) await BookAsync(northPatient, i, HttpStatusCode.Created);
            await Expect(_page.Locator("#units-table tr[data-unit-id='clinic-south'] [data-field=backlog]")).ToHaveTextAsync("3", Soon);
            await Expect(_page.Locator("#units-table tr[data-unit-id='clinic-north'] [data-field=backlog]")).ToHaveTextAsync("0", Soon);

            await ScreenshotAsync("dashboard.png");
            await _page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
            await ScreenshotAsync("dashboard-dark.png");

            Assert.Empty(_pageErrors);
        }
        finally
        {
            if (south is not null) await south.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_joining_the_cluster_shows_up_live_with_its_shards_and_sockets()
    {
        await using var north = await StartUnitAsync("clinic-north");
        await SignInAsync(_gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30)));
        await Expect(_page.Locator("#tile-members")).ToHaveTextAsync("1 / 1", Soon);
        await Expect(_page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });

        // A second gateway joins the first (same database, as a cluster shares its journal); a unit connects to it.
        await using var second = await GatewayNode.StartAsync(_data.Sub("gateway"), seedPorts: [_gateway.ClusterPort]);
        await using var east = await UnitNodeHost.StartAsync("clinic-east", _data.Sub("clinic-east"), second.WebSocketBase,
            second.UnitToken("clinic-east"), seedPatients: 3);
        await east.WaitConnectedAsync();

        var joined = _page.Locator($"#members-table tr[data-member='{second.ClusterAddress}']");
        await Expect(joined.Locator("[data-field=status]")).ToHaveTextAsync("Up", Soon);
        await Expect(joined.Locator("[data-field=reachable]")).ToHaveTextAsync("reachable", Soon);
        await Expect(_page.Locator("#tile-members")).ToHaveTextAsync("2 / 2", Soon);
        await Expect(_page.Locator($"#event-log li[data-type='member-up']").First).ToBeVisibleAsync(SoonVisible);
        await Expect(_page.Locator($"#shards-table tr[data-node='{second.ClusterAddress}']").First).ToBeVisibleAsync(SoonVisible);
        await Expect(UnitState("clinic-east")).ToHaveTextAsync("online", Soon);
        await Expect(_page.Locator("#units-table tr[data-unit-id='clinic-east'] [data-field=node]"))
            .ToHaveTextAsync(second.ClusterAddress.Replace("akka.tcp://", ""), Soon);

        await ScreenshotAsync("dashboard-cluster.png");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task The_charts_draw_reads_writes_latency_backlog_and_unit_attaches_from_real_traffic()
    {
        await using var north = await StartUnitAsync("clinic-north");
        UnitNodeHost? south = await StartUnitAsync("clinic-south");
        using var stopTraffic = new CancellationTokenSource();
        Task? traffic = null;
        try
        {
            var northPatient = await RegisteredPatientAsync(north);
            var southPatient = await RegisteredPatientAsync(south);
            await SignInAsync(_gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30)));
            await Expect(UnitState("clinic-south")).ToHaveTextAsync("online", Soon);

            // Real reads and writes through the gateway to a real unit while the page draws.
            traffic = Task.Run(() => ReadAndWriteUntilAsync(northPatient, stopTraffic.Token));

            // One unit goes away and writes for it wait (backlog); then it comes back (detach, then attach).
            await south.DisposeAsync();
            south = null;
            await Expect(UnitState("clinic-south")).ToHaveTextAsync("offline", Soon);
            for (var i = 0; i < 3; i++) await BookAsync(southPatient, i, HttpStatusCode.Accepted);

            await Expect(Line("chart-traffic", "reads")).ToHaveAttributeAsync("data-max", NonZero, Attribute);
            await Expect(Line("chart-traffic", "writes")).ToHaveAttributeAsync("data-max", NonZero, Attribute);
            await Expect(Line("chart-latency", "p99")).ToHaveAttributeAsync("data-max", NonZero, Attribute);
            await Expect(Line("chart-backlog", "backlog")).ToHaveAttributeAsync("data-max", NonZero, Attribute);
            await Expect(Line("chart-sessions", "detaches")).ToHaveAttributeAsync("data-max", NonZero, Attribute);

            south = await StartUnitAsync("clinic-south");
            await Expect(Line("chart-sessions", "attaches")).ToHaveAttributeAsync("data-max", NonZero, Attribute);
            // A line, not a dot: at least two intervals of reads drawn as one path.
            await Expect(Line("chart-traffic", "reads")).ToHaveAttributeAsync("data-points", TwoOrMore, Attribute);
            Assert.Matches(@"^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+", await Line("chart-traffic", "reads").GetAttributeAsync("d"));

            await stopTraffic.CancelAsync();
            await traffic;
            traffic = null;
            await _page.Locator("#charts").ScrollIntoViewIfNeededAsync();
            await ScreenshotAsync("dashboard-charts.png");
            await _page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
            await ScreenshotAsync("dashboard-charts-dark.png");
            Assert.Empty(_pageErrors);
        }
        finally
        {
            await stopTraffic.CancelAsync();
            if (traffic is not null) await traffic;
            if (south is not null) await south.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_non_admin_token_is_refused_with_a_clear_message_and_not_kept()
    {
        await SignInAsync(_gateway.PatientToken("p-1"));

        var message = _page.Locator("#login-message");
        await Expect(message).ToHaveAttributeAsync("data-reason", "forbidden", new() { Timeout = 60_000 });
        await Expect(message).ToContainTextAsync("admin role");
        await Expect(_page.Locator("#login-view")).ToBeVisibleAsync();
        await Expect(_page.Locator("#console-view")).ToBeHiddenAsync();
        Assert.Null(await _page.EvaluateAsync<string?>("() => sessionStorage.getItem('hgw.ops.token')"));
        await ScreenshotAsync("dashboard-forbidden.png");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task A_token_the_gateway_does_not_accept_returns_to_the_login()
    {
        var admin = _gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30));
        var tampered = admin[..^4] + (admin.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        await SignInAsync(tampered);

        var message = _page.Locator("#login-message");
        await Expect(message).ToHaveAttributeAsync("data-reason", "unauthorized", new() { Timeout = 60_000 });
        await Expect(message).ToContainTextAsync("401");
        await Expect(_page.Locator("#login-view")).ToBeVisibleAsync();
    }

    /// <summary>A full-page screenshot in TestResults/ at the repository root (CI keeps that folder).</summary>
    private async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(RepoPaths.Root, "TestResults", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"the screenshot {path} is missing or empty");
    }

    private static readonly Regex NonZero = new(@"^(?!0$)\d+(\.\d+)?$");
    private static readonly Regex TwoOrMore = new(@"^([2-9]|[1-9]\d+)$");
    private static readonly LocatorAssertionsToHaveAttributeOptions Attribute = new() { Timeout = 60_000 };

    private ILocator Line(string chart, string series) => _page.Locator($"#{chart} svg.plot path.series[data-series='{series}']");

    /// <summary>A patient reading their invoices and booking, a few times a second, until told to stop.</summary>
    private async Task ReadAndWriteUntilAsync(string patientId, CancellationToken stop)
    {
        var token = _gateway.PatientToken(patientId);
        for (var slot = 100; !stop.IsCancellationRequested; slot++)
        {
            var read = await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            if (slot % 3 == 0) await BookAsync(patientId, slot, HttpStatusCode.Created);
            try { await Task.Delay(100, stop); } catch (OperationCanceledException) { }
        }
    }

    private ILocator UnitState(string unitId) => _page.Locator($"#units-table tr[data-unit-id='{unitId}'] [data-field=state]");

    private async Task SignInAsync(string token)
    {
        await _page.GotoAsync(new Uri(_gateway.BaseUrl, "/ops").ToString());
        await _page.Locator("#token-input").FillAsync(token);
        await _page.Locator("#sign-in").ClickAsync();
    }

    /// <summary>One of the unit's patients, once the gateway's directory routes to the unit.</summary>
    private async Task<string> RegisteredPatientAsync(UnitNodeHost unit)
    {
        var patientId = (await unit.PatientIdsAsync())[0];
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
            (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", _gateway.PatientToken(patientId))).StatusCode), TimeSpan.FromSeconds(60));
        return patientId;
    }

    private async Task BookAsync(string patientId, int slot, HttpStatusCode expected)
    {
        var startsAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30), TimeSpan.Zero).AddHours(slot);
        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments",
            _gateway.PatientToken(patientId), WriteClient.Booking(startsAt), prefer: expected == HttpStatusCode.Accepted ? "respond-async" : null);
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<UnitNodeHost> StartUnitAsync(string unitId)
    {
        var unit = await UnitNodeHost.StartAsync(unitId, _data.Sub(unitId), _gateway.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 3);
        await unit.WaitConnectedAsync();
        return unit;
    }
}
