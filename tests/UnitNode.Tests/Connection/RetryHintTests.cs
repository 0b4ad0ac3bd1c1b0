using System.Diagnostics;
using System.Net.Sockets;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Connection;

/// <summary>
/// A real UnitNode host against real Kestrel gateways that steer it: 503 + Retry-After on the upgrade, <c>try_later</c>
/// and <c>going_away</c> after it, several addresses with one dead. Spacing is read from the times the gateways saw
/// the attempts (lower bounds only: a slow machine may be later, never earlier).
/// </summary>
public sealed class RetryHintTests : IAsyncLifetime
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();
    private readonly List<FakeGateway> _gateways = [];
    private UnitUnderTest? _unit;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        if (_unit is not null) await _unit.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_503_with_Retry_After_spaces_the_retries_of_that_gateway_at_least_that_far_apart()
    {
        var gateway = await StartGatewayAsync();
        gateway.RejectUpgradeWith = 503;
        gateway.RetryAfter = "1";
        // Without the hint the unit would retry every 50-250 ms (its configured backoff).
        _unit = await UnitUnderTest.StartAsync(gateway, _directory);

        await Eventually.TrueAsync(() => gateway.UpgradeAttempts >= 4, "four refused attempts", StateTimeout);
        AssertSpacedAtLeast(gateway.AttemptTimestamps.Take(4).ToList(), TimeSpan.FromSeconds(1));
        Assert.Equal(503, _unit.Status.LastHttpStatus);
        Assert.Equal(TimeSpan.FromSeconds(1), _unit.Status.LastRetryAfter);

        gateway.RejectUpgradeWith = null;
        var connection = await gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());
    }

    [Fact]
    public async Task Try_later_after_the_upgrade_spaces_the_retries_at_least_retryAfterMs_apart()
    {
        var gateway = await StartGatewayAsync();
        var hint = TimeSpan.FromMilliseconds(700);
        _unit = await UnitUnderTest.StartAsync(gateway, _directory);

        for (var i = 0; i < 3; i++)
        {
            var connection = await gateway.AcceptAsync();
            Assert.IsType<Hello>(await connection.ReceiveAsync());
            await connection.SendAsync(new ErrorFrame(ErrorCodes.TryLater, "admitting attaches at 50/s", RetryAfterMs: (int)hint.TotalMilliseconds));
            await connection.CloseAsync(CloseCodes.TryAgainLater, "try later");
        }
        var last = await gateway.AcceptAsync();
        Assert.IsType<Hello>(await last.ReceiveAsync());

        AssertSpacedAtLeast(gateway.AttemptTimestamps.Take(4).ToList(), hint);
        Assert.Equal(CloseCodes.TryAgainLater, _unit.Status.LastCloseStatus);
        Assert.Equal(hint, _unit.Status.LastRetryAfter);
    }

    [Fact]
    public async Task Going_away_sends_the_unit_to_another_gateway_no_sooner_than_the_hint()
    {
        var leaving = await StartGatewayAsync();
        var other = await StartGatewayAsync();
        var hint = TimeSpan.FromMilliseconds(800);
        _unit = await UnitUnderTest.StartAsync(leaving, _directory,
            overrides: new Dictionary<string, string?> { ["Gateway:Urls:0"] = other.BaseUrl.ToString() });

        var first = await WelcomeAsync(leaving);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected && s.Gateway!.Port == leaving.BaseUrl.Port, StateTimeout));
        var toldAt = Stopwatch.GetTimestamp();
        await first.SendAsync(new ErrorFrame(ErrorCodes.GoingAway, "node leaving the cluster", RetryAfterMs: (int)hint.TotalMilliseconds));
        await first.CloseAsync(CloseCodes.GoingAway, "node stopping");

        await WelcomeAsync(other);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected && s.Gateway!.Port == other.BaseUrl.Port, StateTimeout));
        Assert.True(Stopwatch.GetElapsedTime(toldAt, other.AttemptTimestamps[0]) >= hint,
            $"came back after {Stopwatch.GetElapsedTime(toldAt, other.AttemptTimestamps[0]).TotalMilliseconds} ms, hint {hint.TotalMilliseconds} ms");
        Assert.Equal(1, leaving.UpgradeAttempts);
    }

    [Fact]
    public async Task A_dead_address_is_passed_over_and_a_crashed_gateway_sends_the_unit_round_the_list()
    {
        var live = await StartGatewayAsync();
        var dead = $"ws://127.0.0.1:{UnusedPort()}";
        _unit = await UnitUnderTest.StartAsync(live, _directory, overrides: new Dictionary<string, string?>
        {
            ["Gateway:Url"] = dead,
            ["Gateway:Urls:0"] = live.BaseUrl.ToString(),
        });

        var connection = await WelcomeAsync(live);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected, StateTimeout));
        Assert.Equal(live.BaseUrl.Port, _unit.Status.Gateway!.Port);
        var attemptsBefore = _unit.Status.ConnectAttempts;

        // The node dies: the unit tries the dead address next, then comes back to the live one.
        connection.Abort();
        await WelcomeAsync(live);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected, StateTimeout));
        Assert.True(_unit.Status.ConnectAttempts >= attemptsBefore + 2, "the dead address was tried in between");
        Assert.Equal(live.BaseUrl.Port, _unit.Status.Gateway!.Port);
    }

    private async Task<FakeGateway> StartGatewayAsync()
    {
        var gateway = await FakeGateway.StartAsync();
        _gateways.Add(gateway);
        return gateway;
    }

    private static async Task<FakeGatewayConnection> WelcomeAsync(FakeGateway gateway)
    {
        var connection = await gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());
        await connection.SendAsync(new Welcome(1, 0, 30, ProtocolConstants.DefaultMaxFrameBytes));
        return connection;
    }

    private static void AssertSpacedAtLeast(IReadOnlyList<long> timestamps, TimeSpan hint)
    {
        for (var i = 1; i < timestamps.Count; i++)
        {
            var gap = Stopwatch.GetElapsedTime(timestamps[i - 1], timestamps[i]);
            Assert.True(gap >= hint, $"attempt {i + 1} came {gap.TotalMilliseconds:0} ms after the one before; the hint was {hint.TotalMilliseconds:0} ms");
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
