using System.Net;
using System.Text;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>The ops API is for admins only: every route answers 401 without a token and 403 to any other role.</summary>
public sealed class OpsApiAuthorizationTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/v1/ops/cluster" },
        { "POST", "/api/v1/ops/cluster/leave" },
        { "POST", "/api/v1/ops/cluster/down" },
        { "POST", "/api/v1/ops/cluster/down-unreachable" },
        { "GET", "/api/v1/ops/sharding/regions" },
        { "GET", "/api/v1/ops/sharding/region-stats" },
        { "GET", "/api/v1/ops/units" },
        { "GET", "/api/v1/ops/units/unit-1" },
        { "POST", "/api/v1/ops/units/unit-1/resync" },
        { "GET", "/api/v1/ops/operations/0123456789abcdef0123456789abcdef.unit-1" },
        { "GET", "/api/v1/ops/events" },
        { "POST", "/api/v1/ops/patients/p-1/transfer" },
        { "GET", "/api/v1/ops/metrics/history" },
    };

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        if (method == "POST") request.Content = new StringContent("{\"address\":\"akka.tcp://gateway@127.0.0.1:1\"}", Encoding.UTF8, "application/json");
        // Headers only: the event stream never ends by itself.
        return await _gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>A route added to the ops API without a line above would escape these checks: none may.</summary>
    [Fact]
    public void Every_mapped_ops_route_is_checked_here()
    {
        var tried = Routes.Select(r => $"{r[0]} {r[1]}").ToList();
        var mapped = _gateway.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/ops", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToList();
        Assert.NotEmpty(mapped);
        foreach (var route in mapped)
        {
            var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Escape(route), @"\\\{[^}]+}", "[^/]+") + "$";
            Assert.True(tried.Any(t => System.Text.RegularExpressions.Regex.IsMatch(t, pattern)), $"{route} is not in {nameof(Routes)}");
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_token_every_ops_route_answers_401(string method, string path)
    {
        using var response = await SendAsync(method, path, null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Patient_partner_and_unit_tokens_get_403_problem_from_every_ops_route(string method, string path)
    {
        foreach (var role in new[] { Roles.Patient, Roles.Partner, Roles.Unit })
        {
            using var response = await SendAsync(method, path, _gateway.Tokens.Mint(role, "unit-1", TimeSpan.FromMinutes(5)));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task An_admin_token_is_let_through_every_ops_route(string method, string path)
    {
        using var response = await SendAsync(method, path, _gateway.AdminToken());
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{method} {path}: {response.StatusCode}");
    }

    [Fact]
    public async Task The_cli_exits_4_for_a_non_admin_token_and_for_none()
    {
        var patient = await Hgw.RunAsync(_gateway, _gateway.PatientToken("p-1"), "cluster", "show");
        Assert.Equal(4, patient.ExitCode);
        Assert.Contains("Forbidden (403)", patient.Output);

        var none = await Hgw.RunAsync(_gateway, null, "units", "list");
        Assert.Equal(4, none.ExitCode);
        Assert.Contains("Unauthorized (401)", none.Output);
    }

    [Fact]
    public async Task The_cli_exits_2_on_usage_errors_and_5_when_the_gateway_is_unreachable()
    {
        Assert.Equal(2, (await Hgw.RunAsync(_gateway, _gateway.AdminToken(), "cluster", "explode")).ExitCode);
        Assert.Equal(2, (await Hgw.RunAsync(_gateway, _gateway.AdminToken(), "units", "list", "--backlog-over", "-1")).ExitCode);

        var unreachable = await Hgw.RunAtAsync($"http://127.0.0.1:{FreePort.Next()}", _gateway.AdminToken(), "cluster", "show");
        Assert.Equal(5, unreachable.ExitCode);
        Assert.Contains("unreachable", unreachable.Output);
    }

    [Fact]
    public async Task Help_lists_the_exit_codes()
    {
        var help = await Hgw.RunAsync(_gateway, null, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("5  gateway unreachable", help.Output);
    }
}
