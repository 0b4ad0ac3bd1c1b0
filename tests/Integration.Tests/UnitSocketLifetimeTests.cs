using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;

namespace HealthGateway.Integration.Tests;

/// <summary>How a unit socket ends: when its token expires, and when the gateway shuts down.</summary>
public sealed class UnitSocketLifetimeTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?> { ["Auth:ClockSkew"] = "00:00:01" });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_socket_is_closed_with_4005_when_its_token_expires()
    {
        var shortLived = _gateway.Tokens.Mint(Roles.Unit, "unit-exp", TimeSpan.FromSeconds(3));
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, shortLived, "unit-exp");
        await using var _ = client;

        Assert.Equal(CloseCodes.TokenExpired, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Gateway_shutdown_closes_unit_sockets_with_1001()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-bye"), "unit-bye");
        await using var _ = client;
        var closed = client.ReceiveCloseAsync(TimeSpan.FromSeconds(60));

        await _gateway.DisposeAsync();
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw2")); // for DisposeAsync of the fixture

        Assert.Equal(CloseCodes.GoingAway, await closed);
    }
}
