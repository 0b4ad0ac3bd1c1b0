using System.Net.WebSockets;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A hand-driven unit on a real WebSocket, for tests that need a unit to misbehave
/// (never answer, claim another id, send garbage). Well-behaved units are real UnitNode hosts.
/// </summary>
public sealed class RawUnitClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocket Socket => _socket;

    public static async Task<RawUnitClient> ConnectAsync(Uri webSocketBase, string? token, string? subProtocol = ProtocolConstants.SubProtocol)
    {
        var client = new RawUnitClient();
        if (token is not null) client._socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        if (subProtocol is not null) client._socket.Options.AddSubProtocol(subProtocol);
        client._socket.Options.CollectHttpResponseDetails = true;
        await client._socket.ConnectAsync(new Uri(webSocketBase, "/ws/units"), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return client;
    }

    /// <summary>Connects, says hello and waits for welcome.</summary>
    public static async Task<(RawUnitClient Client, Welcome Welcome)> AttachAsync(Uri webSocketBase, string token, string unitId)
    {
        var client = await ConnectAsync(webSocketBase, token);
        await client.SendAsync(new Hello(ProtocolConstants.Version, unitId, "raw-test/1", 0));
        var welcome = Assert.IsType<Welcome>(await client.ReceiveAsync());
        return (client, welcome);
    }

    public Task SendAsync(Frame frame) => SendRawAsync(FrameCodec.Encode(frame));

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) =>
        _socket.SendAsync(bytes, type, true, CancellationToken.None);

    /// <summary>The next frame, or null when the gateway closed the socket (see <see cref="CloseStatus"/>).</summary>
    public async Task<Frame?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(count), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            count += result.Count;
            if (result.EndOfMessage) break;
            if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
        var decoded = FrameCodec.Decode(buffer.AsSpan(0, count));
        return decoded.Frame ?? throw new InvalidOperationException($"gateway sent an invalid frame: {decoded.Error}");
    }

    /// <summary>Reads until the gateway closes, skipping frames; returns the close code.</summary>
    public async Task<int?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        while (await ReceiveAsync(timeout) is not null) { }
        return (int?)_socket.CloseStatus;
    }

    /// <summary>
    /// Reads until the gateway closes; returns the last frame before the close frame (null if none came) and
    /// the close code. The protocol puts an <c>error</c> frame right before every close the gateway starts for a reason.
    /// </summary>
    public async Task<(Frame? LastFrame, int? CloseCode)> ReceiveLastFrameAndCloseAsync(TimeSpan? timeout = null)
    {
        Frame? last = null;
        while (await ReceiveAsync(timeout) is { } frame) last = frame;
        return (last, (int?)_socket.CloseStatus);
    }

    public string? CloseDescription => _socket.CloseStatusDescription;

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}
