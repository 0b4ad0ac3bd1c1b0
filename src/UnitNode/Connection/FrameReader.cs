using System.Buffers;
using System.Net.WebSockets;
using HealthGateway.Protocol.Codec;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Reassembles WebSocket messages into frames with pooled buffers: a small buffer grows by doubling only for
/// big messages and goes back to the pool after decoding. Messages over the cap are read to their end and
/// discarded (so the close handshake can still complete), then reported as too large.
/// </summary>
internal sealed class FrameReader(WebSocket socket, int maxFrameBytes)
{
    private const int InitialBufferBytes = 16 * 1024;

    public async ValueTask<InboundMessage> ReadAsync(CancellationToken cancellationToken)
    {
        // One byte over the cap is enough to know a message is too large.
        var limit = maxFrameBytes + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, limit));
        try
        {
            var count = 0;
            var tooLarge = false;
            var binary = false;
            while (true)
            {
                Memory<byte> target;
                if (tooLarge)
                {
                    target = buffer;
                }
                else
                {
                    if (count == Math.Min(buffer.Length, limit)) buffer = Grow(buffer, count, limit);
                    target = buffer.AsMemory(count, Math.Min(buffer.Length, limit) - count);
                }

                var result = await socket.ReceiveAsync(target, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                    return InboundMessage.Closed(socket.CloseStatus, socket.CloseStatusDescription);

                binary |= result.MessageType == WebSocketMessageType.Binary;
                if (!tooLarge)
                {
                    count += result.Count;
                    tooLarge = count > maxFrameBytes;
                }
                if (result.EndOfMessage) break;
            }

            if (tooLarge)
                return InboundMessage.Invalid(new ProtocolError(ProtocolErrorCode.TooLarge,
                    $"a message exceeds the cap of {maxFrameBytes} bytes"));
            if (binary)
                return InboundMessage.Invalid(new ProtocolError(ProtocolErrorCode.MalformedJson,
                    "binary messages are not part of the protocol; frames are UTF-8 JSON text"));
            return InboundMessage.Decoded(FrameCodec.Decode(buffer.AsSpan(0, count), maxFrameBytes));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int count, int limit)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
