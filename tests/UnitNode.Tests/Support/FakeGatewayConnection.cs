using System.Net.WebSockets;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using Microsoft.AspNetCore.Http;

namespace HealthGateway.UnitNode.Tests.Support;

/// <summary>The gateway's side of one unit socket, driven by the test.</summary>
public sealed class FakeGatewayConnection(HttpContext context, WebSocket socket, string authorization, string? subProtocol)
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(15);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Authorization { get; } = authorization;
    public string? SubProtocol { get; } = subProtocol;
    public WebSocketCloseStatus? CloseStatusFromUnit { get; private set; }
    public string? CloseDescriptionFromUnit { get; private set; }
    public Task Finished => _finished.Task;

    /// <summary>The next frame from the unit, or null once the unit has closed the socket.</summary>
    public async Task<Frame?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                CloseStatusFromUnit = result.CloseStatus;
                CloseDescriptionFromUnit = result.CloseStatusDescription;
                // Complete the handshake as a real gateway does.
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                _finished.TrySetResult();
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) break;
        }
        var decoded = FrameCodec.Decode(message.ToArray());
        Assert.True(decoded.IsSuccess, $"the unit sent an invalid frame: {decoded.Error}");
        return decoded.Frame;
    }

    /// <summary>Reads until a frame of type <typeparamref name="T"/> (matching <paramref name="match"/>) arrives, skipping others.</summary>
    public async Task<T> ExpectAsync<T>(Func<T, bool>? match = null) where T : Frame
    {
        while (true)
        {
            var frame = await ReceiveAsync() ?? throw new InvalidOperationException(
                $"the unit closed ({CloseStatusFromUnit} '{CloseDescriptionFromUnit}') while a {typeof(T).Name} was expected");
            if (frame is T typed && (match is null || match(typed))) return typed;
        }
    }

    /// <summary>Reads until the unit's close frame; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ExpectCloseAsync()
    {
        while (await ReceiveAsync() is not null)
        {
        }
        return CloseStatusFromUnit;
    }

    public Task SendAsync(Frame frame) => SendRawAsync(FrameCodec.Encode(frame));

    public async Task SendRawAsync(byte[] utf8)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>Sends a close frame and waits for the unit to answer it.</summary>
    public async Task CloseAsync(int code, string description)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await socket.CloseOutputAsync((WebSocketCloseStatus)code, description, timeout.Token);
        await ExpectCloseAsync();
        _finished.TrySetResult();
    }

    /// <summary>Drops the TCP connection without a close handshake, as a crashed gateway node would.</summary>
    public void Abort()
    {
        if (_finished.Task.IsCompleted) return;
        try
        {
            context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
        _finished.TrySetResult();
    }
}
