using System.Text;
using HealthGateway.Gateway.Transport;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Slow and oversized clients against a real Kestrel socket: headers trickled slower than
/// <c>Kestrel:Limits:RequestHeadersTimeout</c>, a body below <c>MinRequestBodyDataRate</c>, and
/// header/request-line size caps. The server must cut them off, whatever the client does next.
/// </summary>
public sealed class SlowClientTests : IAsyncLifetime
{
    private const int HeadersTotalSize = 8 * 1024;
    private const int RequestLineSize = 2 * 1024;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:02",
            ["Kestrel:Limits:KeepAliveTimeout"] = "00:00:02",
            ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "100",
            ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:02",
            ["Kestrel:Limits:MaxRequestHeadersTotalSize"] = HeadersTotalSize.ToString(),
            ["Kestrel:Limits:MaxRequestLineSize"] = RequestLineSize.ToString(),
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Headers_trickled_slower_than_the_timeout_are_cut_off()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        // 40 s worth of header bytes at one per 200 ms; the timeout is 2 s.
        var headers = Encoding.ASCII.GetBytes("GET /healthz/live HTTP/1.1\r\nHost: gateway\r\nX-Slow: " + new string('s', 200) + "\r\n\r\n");

        var sent = await connection.TrickleUntilClosedAsync(headers, Pause, Generous);

        Assert.NotNull(sent);
        Assert.True(sent < headers.Length, "the server waited for the whole slow request");
        Assert.True(connection.FirstStatus is null or 408, connection.Received);
    }

    [Fact]
    public async Task A_connection_that_never_sends_a_request_is_closed()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);

        Assert.True(await connection.WaitForServerCloseAsync(Generous), "an idle connection was kept open");
        Assert.True(connection.FirstStatus is null or 408, connection.Received);
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_its_request()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        Assert.Equal(200, await connection.RequestAsync("GET", "/healthz/live"));

        Assert.True(await connection.WaitForServerCloseAsync(Generous), "an idle keep-alive connection was kept open");
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_is_aborted()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        var body = Encoding.ASCII.GetBytes($$"""{"startsAt":"2030-01-01T10:00:00Z","durationMinutes":30,"clinician":"Dr. X","reason":"{{new string('r', 400)}}"}""");
        await connection.SendAsync(
            "POST /api/v1/patients/p-slow/appointments HTTP/1.1\r\nHost: gateway\r\n" +
            $"Authorization: Bearer {_gateway.PatientToken("p-slow")}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");

        var sent = await connection.TrickleUntilClosedAsync(body, Pause, Generous);

        Assert.NotNull(sent);
        Assert.True(sent < body.Length, "the server waited for the whole slow body");
        Assert.True(connection.FirstStatus is null or 408, connection.Received);
        if (connection.FirstStatus == 408) Assert.Contains("application/problem+json", connection.Received);
    }

    [Fact]
    public async Task Headers_over_the_total_size_are_431()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        await connection.SendAsync($"GET /healthz/live HTTP/1.1\r\nHost: gateway\r\nX-Big: {new string('b', HeadersTotalSize)}\r\n\r\n");

        Assert.True(await connection.WaitForServerCloseAsync(Generous));
        Assert.Equal(431, connection.FirstStatus);
    }

    [Fact]
    public async Task A_request_line_over_the_cap_is_414()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        await connection.SendAsync($"GET /healthz/live?q={new string('q', RequestLineSize)} HTTP/1.1\r\nHost: gateway\r\n\r\n");

        Assert.True(await connection.WaitForServerCloseAsync(Generous));
        Assert.Equal(414, connection.FirstStatus);
    }

    [Fact]
    public async Task Headers_within_the_limits_are_served()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        Assert.Equal(200, await connection.RequestAsync("GET", "/healthz/live?q=" + new string('q', RequestLineSize / 2)));
    }

    [Fact]
    public async Task Unconfigured_limits_take_the_gateway_defaults_and_configured_ones_win()
    {
        var limits = _gateway.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(KestrelLimitDefaults.MaxConcurrentConnections, limits.MaxConcurrentConnections);
        Assert.Equal(KestrelLimitDefaults.MaxConcurrentUpgradedConnections, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromSeconds(2), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), limits.KeepAliveTimeout);
        Assert.Equal(100, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(2), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.Equal(HeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(RequestLineSize, limits.MaxRequestLineSize);
    }
}
