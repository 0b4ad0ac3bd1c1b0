using System.Net;
using System.Net.WebSockets;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Kestrel's connection and upgrade limits, from the standard <c>Kestrel:Limits</c> keys, through real
/// sockets: with a limit of N, the N+1th is refused while N are held, and accepted again after one closes.
/// </summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private const int MaxConnections = 3;
    private const int MaxUpgraded = 2;
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Kestrel:Limits:MaxConcurrentConnections"] = MaxConnections.ToString(),
            ["Kestrel:Limits:MaxConcurrentUpgradedConnections"] = MaxUpgraded.ToString(),
        });
        // Its pooled keep-alive connection would hold one of the few slots.
        _gateway.Http.Dispose();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Opens <paramref name="count"/> keep-alive connections, each proven open by a served request.</summary>
    private async Task<List<RawHttpConnection>> HoldServedConnectionsAsync(int count)
    {
        List<RawHttpConnection> held = [];
        await Eventually.AssertAsync(async () =>
        {
            foreach (var stale in held) await stale.DisposeAsync();
            held = [];
            for (var i = 0; i < count; i++)
            {
                var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
                held.Add(connection);
                Assert.Equal(200, await connection.RequestAsync("GET", "/healthz/live"));
            }
        }, TimeSpan.FromSeconds(60));
        return held;
    }

    private async Task<bool> IsServedOnANewConnectionAsync()
    {
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
        try
        {
            return await connection.RequestAsync("GET", "/healthz/live", timeout: TimeSpan.FromSeconds(10)) == 200;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_connection_over_the_limit_is_refused_until_one_closes()
    {
        var held = await HoldServedConnectionsAsync(MaxConnections);
        try
        {
            await using (var extra = await RawHttpConnection.OpenAsync(_gateway.BaseUrl))
            {
                await extra.SendAsync("GET /healthz/live HTTP/1.1\r\nHost: gateway\r\n\r\n");
                Assert.True(await extra.WaitForServerCloseAsync(TimeSpan.FromSeconds(30)), "the extra connection was not closed");
                Assert.Null(extra.FirstStatus); // refused without being served
            }

            // The held connections are unaffected.
            foreach (var connection in held) Assert.Equal(200, await connection.RequestAsync("GET", "/healthz/live"));

            await held[0].DisposeAsync();
            held.RemoveAt(0);
            await Eventually.AssertAsync(async () => Assert.True(await IsServedOnANewConnectionAsync()));
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }
    }

    private async Task<(ClientWebSocket Socket, HttpStatusCode Status)> UpgradeAsync(string unitId)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {_gateway.UnitToken(unitId)}");
        socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri(_gateway.WebSocketBase, "/ws/units"), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        catch (WebSocketException)
        {
        }
        return (socket, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_upgrade_over_the_limit_is_refused_with_503_until_one_closes()
    {
        var units = new List<RawUnitClient>();
        try
        {
            for (var i = 0; i < MaxUpgraded; i++)
                units.Add((await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken($"unit-up{i}"), $"unit-up{i}")).Client);

            var (refused, status) = await UpgradeAsync("unit-extra");
            using (refused)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.NotEqual(WebSocketState.Open, refused.State);
                Assert.Contains("Retry-After", refused.HttpResponseHeaders!.Keys, StringComparer.OrdinalIgnoreCase);
            }

            // Upgraded sockets do not take plain connection slots: all of them still serve REST.
            var plain = await HoldServedConnectionsAsync(MaxConnections);
            foreach (var connection in plain) await connection.DisposeAsync();

            await units[0].DisposeAsync();
            units.RemoveAt(0);
            await Eventually.AssertAsync(async () =>
            {
                var (socket, upgradeStatus) = await UpgradeAsync("unit-extra");
                using (socket)
                {
                    Assert.Equal(HttpStatusCode.SwitchingProtocols, upgradeStatus);
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", CancellationToken.None);
                }
            });
        }
        finally
        {
            foreach (var unit in units) await unit.DisposeAsync();
        }
    }
}
