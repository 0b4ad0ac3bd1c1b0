using System.Net.WebSockets;
using System.Threading.Channels;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// The socket's single writer: a WebSocket allows one send at a time, so every frame (replies, acks, events,
/// pongs) goes through one bounded queue drained by one loop. A full queue makes producers wait (backpressure).
/// </summary>
internal sealed class FrameWriter
{
    private const int QueueCapacity = 256;

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>The gateway's cap on frames it receives (announced in Welcome).</summary>
    public int MaxOutboundFrameBytes { get; set; } = ProtocolConstants.DefaultMaxFrameBytes;

    /// <summary>The encoded frame, or null when it would exceed <see cref="MaxOutboundFrameBytes"/>.</summary>
    public byte[]? TryEncode(Frame frame)
    {
        var bytes = FrameCodec.Encode(frame);
        return bytes.Length <= MaxOutboundFrameBytes ? bytes : null;
    }

    /// <exception cref="InvalidOperationException">The frame is larger than the gateway accepts.</exception>
    /// <exception cref="ChannelClosedException">The session is closing.</exception>
    public ValueTask EnqueueAsync(Frame frame, CancellationToken cancellationToken) =>
        EnqueueAsync(TryEncode(frame) ?? throw new InvalidOperationException(
            $"a '{frame.GetType().Name}' frame exceeds the gateway's cap of {MaxOutboundFrameBytes} bytes"), cancellationToken);

    public ValueTask EnqueueAsync(byte[] utf8Frame, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(utf8Frame, cancellationToken);

    /// <summary>Queues a frame without waiting; false when it does not fit the cap or the queue is full or completed.</summary>
    public bool TryEnqueue(Frame frame) => TryEncode(frame) is { } utf8Frame && _queue.Writer.TryWrite(utf8Frame);

    /// <summary>No more frames; <see cref="RunAsync"/> ends once the queue is flushed.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <remarks>Cancelling <paramref name="cancellationToken"/> aborts the socket (a WebSocket send cannot be cancelled cleanly).</remarks>
    public async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        await foreach (var frame in _queue.Reader.ReadAllAsync(cancellationToken))
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }
}
