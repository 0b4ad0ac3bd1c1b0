using System.Buffers;
using System.Net.WebSockets;
using Akka;
using Akka.Streams.Dsl;
using Akka.Util;
using HealthGateway.Protocol.Codec;

namespace HealthGateway.Gateway.Connections;

/// <summary>
/// The inbound half of a unit socket as a stream source: one element per reassembled, decoded
/// frame. It pulls the next message only when downstream asks, so a slow consumer stops the
/// reads and TCP flow control throttles the unit. Completes when the peer closes; emits one
/// <see cref="InboundMessage.Rejected"/> and completes on the first bad frame.
/// </summary>
internal static class WebSocketFrameSource
{
    private const int InitialBufferBytes = 4096;

    public static Source<InboundMessage, NotUsed> Create(WebSocket socket, int maxFrameBytes) =>
        Source.UnfoldAsync<bool, InboundMessage>(true, async open =>
        {
            if (!open)
            {
                await DrainUntilCloseAsync(socket);
                return Option<(bool, InboundMessage)>.None;
            }
            var message = await ReceiveAsync(socket, maxFrameBytes);
            return message switch
            {
                null => Option<(bool, InboundMessage)>.None,
                InboundMessage.Rejected => (false, message),
                _ => (true, message),
            };
        });

    private static async Task DrainUntilCloseAsync(WebSocket socket)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads one whole message with pooled buffers; null when the peer closed.</summary>
    private static async Task<InboundMessage?> ReceiveAsync(WebSocket socket, int maxFrameBytes)
    {
        var pool = ArrayPool<byte>.Shared;
        var buffer = pool.Rent(InitialBufferBytes);
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    // Grow to at most one byte past the cap: enough to know the cap was exceeded.
                    var bigger = pool.Rent(Math.Min(buffer.Length * 2, maxFrameBytes + 1));
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                count += result.Count;
                if (count > maxFrameBytes)
                    return new InboundMessage.Rejected(new ProtocolError(ProtocolErrorCode.TooLarge,
                        $"frame exceeds the cap of {maxFrameBytes} bytes"));
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Binary)
                    return new InboundMessage.Rejected(new ProtocolError(ProtocolErrorCode.MalformedJson,
                        "binary messages are not part of the protocol; send UTF-8 JSON text"));

                var decoded = FrameCodec.Decode(buffer.AsSpan(0, count), maxFrameBytes);
                return decoded.Frame is not null
                    ? new InboundMessage.Received(decoded.Frame)
                    : new InboundMessage.Rejected(decoded.Error!);
            }
        }
        finally
        {
            pool.Return(buffer);
        }
    }
}
