using System.Net;
using System.Text.Json;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Dashboard;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Dashboard.Tests;

/// <summary>The dashboard's files over plain HTTP: served by the gateway itself, locked to its own origin.</summary>
public sealed class DashboardPageTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_data.Sub("gateway"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData("/ops", "text/html")]
    [InlineData("/ops/", "text/html")]
    [InlineData("/ops/dashboard.js", "text/javascript")]
    [InlineData("/ops/dashboard.css", "text/css")]
    [InlineData("/ops/favicon.svg", "image/svg+xml")]
    public async Task Files_are_served_without_a_token_with_a_self_only_policy(string path, string contentType)
    {
        var response = await _gateway.GetAsync(path, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_policy_allows_nothing_from_another_origin_and_nothing_inline()
    {
        var policy = DashboardEndpoints.ContentSecurityPolicy;
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("connect-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.DoesNotContain("http", policy);

        // Nothing in the page reaches for another origin (no CDN, no web fonts).
        var html = await _gateway.Http.GetStringAsync("/ops");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task An_unchanged_file_is_revalidated_with_its_etag()
    {
        var first = await _gateway.GetAsync("/ops/dashboard.js", token: null);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ops/dashboard.js");
        request.Headers.IfNoneMatch.Add(etag);
        var second = await _gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/ops/missing.js")]
    [InlineData("/ops/..%2Fappsettings.json")]
    [InlineData("/ops/index.html.bak")]
    public async Task Only_the_dashboards_own_files_are_served(string path)
    {
        var response = await _gateway.GetAsync(path, token: null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
    [Fact]
    public async Task The_chart_history_answers_an_admin_with_this_nodes_points()
    {
        var admin = _gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30));

        // The first point closes 5 s after start: poll for it rather than sleep.
        await Eventually.AssertAsync(async () =>
        {
            var response = await _gateway.GetAsync("/api/v1/ops/metrics/history", admin);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(_gateway.ClusterAddress, body.RootElement.GetProperty("node").GetString());
            Assert.Equal(5, body.RootElement.GetProperty("intervalSeconds").GetInt32());
            var points = body.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.NotEmpty(points);
            var point = points[0];
            Assert.Equal(0, point.GetProperty("readsPerSecond").GetDouble());
            Assert.Equal(JsonValueKind.Null, point.GetProperty("readP99Ms").ValueKind); // no reads: no latency, not a zero one
            Assert.Equal(0, point.GetProperty("backlog").GetInt64());
        }, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_chart_history_is_refused_to_every_token_but_an_admins()
    {
        var admin = _gateway.Tokens.Mint(Roles.Admin, "ops-test", TimeSpan.FromMinutes(30));
        var tampered = admin[..^4] + (admin.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync("/api/v1/ops/metrics/history", token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync("/api/v1/ops/metrics/history", tampered)).StatusCode);
        foreach (var role in new[] { Roles.Patient, Roles.Partner, Roles.Unit })
        {
            var refused = await _gateway.GetAsync("/api/v1/ops/metrics/history", _gateway.Tokens.Mint(role, "unit-1", TimeSpan.FromMinutes(5)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("points", await refused.Content.ReadAsStringAsync());
        }
    }
}
