using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// The gateway steers reconnects (docs/protocol.md, section 12): it admits unit attaches at its configured rate and
/// answers the rest 503 with a Retry-After spread over the queue; a stopping node tells each unit when to come back.
/// </summary>
public sealed class UnitAdmissionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private Task<GatewayNode> StartAsync(int perSecond, int burst) =>
        GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["UnitAdmission:AttachesPerSecond"] = perSecond.ToString(),
            ["UnitAdmission:Burst"] = burst.ToString(),
        });

    [Fact]
    public async Task A_herd_is_admitted_at_the_configured_rate_and_the_rest_are_told_when_to_return()
    {
        const int units = 12;
        await using var gateway = await StartAsync(perSecond: 2, burst: 2);
        var clock = Stopwatch.StartNew();

        var first = await Task.WhenAll(Enumerable.Range(1, units).Select(i => UpgradeAsync(gateway, $"unit-{i}")));
        var elapsed = clock.Elapsed;

        var admitted = first.Where(u => u.Socket is not null).ToList();
        var refused = first.Where(u => u.Socket is null).ToList();
        // The burst at once, then at most the sustained rate for the time the herd took to arrive.
        Assert.InRange(admitted.Count, 2, 2 + (int)Math.Ceiling(elapsed.TotalSeconds * 2));
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.True(r.RetryAfter >= 1, "a refused upgrade carries Retry-After in whole seconds");
        });
        // Spread over the queue at the admitted rate (2/s), not one shared "come back in 1 s".
        Assert.True(refused.Select(r => r.RetryAfter).Distinct().Count() >= 2, string.Join(",", refused.Select(r => r.RetryAfter)));
        Assert.True(refused.Max(r => r.RetryAfter) >= refused.Count / 2 - Math.Ceiling(elapsed.TotalSeconds),
            string.Join(",", refused.Select(r => r.RetryAfter)));

        // Units honouring their hints all get in, and each admitted one is a real attach (welcome).
        var later = await Task.WhenAll(refused.Select(r => AttachHonouringHintsAsync(gateway, r.UnitId, r.RetryAfter)));
        foreach (var upgrade in admitted) await HelloWelcomeAsync(upgrade.Socket!, upgrade.UnitId);
        Assert.Equal(units, admitted.Count + later.Length);
        foreach (var socket in admitted.Select(a => a.Socket!).Concat(later)) socket.Dispose();
    }

    [Fact]
    public async Task Upgrades_without_a_valid_token_do_not_use_up_the_admission_budget()
    {
        await using var gateway = await StartAsync(perSecond: 1, burst: 2);

        // A hostile client floods upgrades without a token, then with a token for no unit role.
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await UpgradeAsync(gateway, "unit-x", token: "")).Status);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Forbidden, (await UpgradeAsync(gateway, "unit-x", token: gateway.PatientToken("p-1"))).Status);

        // The burst is still there for real units.
        for (var i = 1; i <= 2; i++)
        {
            var upgrade = await UpgradeAsync(gateway, $"unit-{i}");
            Assert.NotNull(upgrade.Socket);
            await HelloWelcomeAsync(upgrade.Socket, upgrade.UnitId);
            upgrade.Socket.Dispose();
        }
    }

    [Fact]
    public async Task A_stopping_gateway_tells_each_unit_going_away_with_its_own_retry_hint()
    {
        var gateway = await StartAsync(perSecond: 2, burst: 10);
        var clients = new List<RawUnitClient>();
        for (var i = 1; i <= 3; i++) clients.Add((await RawUnitClient.AttachAsync(gateway.WebSocketBase, gateway.UnitToken($"unit-{i}"), $"unit-{i}")).Client);
        var closes = clients.Select(c => c.ReceiveLastFrameAndCloseAsync(TimeSpan.FromSeconds(60))).ToList();

        await gateway.DisposeAsync();

        var hints = new List<int>();
        foreach (var close in closes)
        {
            var (last, code) = await close;
            Assert.Equal(CloseCodes.GoingAway, code);
            var error = Assert.IsType<ErrorFrame>(last);
            Assert.Equal(ErrorCodes.GoingAway, error.Code);
            hints.Add(Assert.NotNull(error.RetryAfterMs));
        }
        // One admission interval (500 ms at 2/s) apart, with jitter inside it: the units do not return together.
        hints.Sort();
        for (var i = 0; i < hints.Count; i++) Assert.InRange(hints[i], 500 * i, 500 * (i + 1));
        foreach (var client in clients) await client.DisposeAsync();
    }

    private sealed record Upgrade(string UnitId, ClientWebSocket? Socket, HttpStatusCode Status, int RetryAfter);

    /// <summary>One upgrade on /ws/units; the socket when admitted, else the status and the Retry-After (0 if none).</summary>
    private static async Task<Upgrade> UpgradeAsync(GatewayNode gateway, string unitId, string? token = null)
    {
        var socket = new ClientWebSocket();
        token ??= gateway.UnitToken(unitId);
        if (token.Length > 0) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri(gateway.WebSocketBase, "/ws/units"), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            return new Upgrade(unitId, socket, HttpStatusCode.SwitchingProtocols, 0);
        }
        catch (WebSocketException)
        {
            var retryAfter = socket.HttpResponseHeaders?.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
            var upgrade = new Upgrade(unitId, null, socket.HttpStatusCode, retryAfter is null ? 0 : int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture));
            socket.Dispose();
            return upgrade;
        }
    }

    /// <summary>What a well-behaved unit does: waits the hinted time, tries again, until admitted and welcomed.</summary>
    private static async Task<ClientWebSocket> AttachHonouringHintsAsync(GatewayNode gateway, string unitId, int retryAfterSeconds)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(retryAfterSeconds)); // the gateway's hint, not a test timing guess
            var upgrade = await UpgradeAsync(gateway, unitId);
            if (upgrade.Socket is { } socket)
            {
                await HelloWelcomeAsync(socket, unitId);
                return socket;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, upgrade.Status);
            retryAfterSeconds = upgrade.RetryAfter;
        }
        throw new Xunit.Sdk.XunitException($"{unitId} was never admitted");
    }

    private static async Task HelloWelcomeAsync(ClientWebSocket socket, string unitId)
    {
        await socket.SendAsync(FrameCodec.Encode(new Hello(ProtocolConstants.Version, unitId, "admission-test/1", 0)), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.True(result.EndOfMessage);
        Assert.IsType<Welcome>(FrameCodec.Decode(buffer.AsSpan(0, result.Count)).Frame);
    }

    public void Dispose() => _temp.Dispose();
}
