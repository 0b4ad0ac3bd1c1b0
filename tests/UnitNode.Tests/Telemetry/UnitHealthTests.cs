using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Tests.Connection;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthGateway.UnitNode.Tests.Telemetry;

/// <summary>The unit's health: degraded while the gateway is unreachable, healthy once welcomed.</summary>
public sealed class UnitHealthTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private FakeGateway _gateway = null!;
    private UnitUnderTest? _unit;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (_unit is not null) await _unit.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Health_is_degraded_until_the_gateway_welcomes_the_unit_then_healthy()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var health = _unit.Host.Services.GetRequiredService<HealthCheckService>();

        var connection = await _gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());
        var before = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Contains("not connected", before.Entries["unit"].Description);

        await connection.SendAsync(new Welcome(1, 3, 30, ProtocolConstants.DefaultMaxFrameBytes));
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected, TimeSpan.FromSeconds(15)));
        var after = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Equal(0L, after.Entries["unit"].Data["lastAppliedSeq"]);
    }
}
