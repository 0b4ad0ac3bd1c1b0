using System.Buffers;

namespace HealthGateway.Gateway.Transport;

/// <summary>
/// The request body as the app reads it, capped at <c>Gateway:MaxRequestBodyBytes</c>. Kestrel's own limit answers
/// 413 and closes while the client may still be sending, and the client then sees a reset instead of the answer.
/// Here a read past the cap first reads and throws away the rest of the body (at most
/// <c>Gateway:MaxDiscardedBodyBytes</c>, for at most <c>Gateway:BodyDiscardTimeout</c>), marks the response
/// <c>Connection: close</c>, and then fails with a 413 <see cref="BadHttpRequestException"/>, which the endpoint's
/// body binding answers with that status. A client that asked for <c>100-continue</c> and was not told to go on
/// has sent nothing, so nothing is discarded.
/// </summary>
internal sealed class CappedRequestBody(Stream inner, HttpContext http, GatewayOptions limits) : Stream
{
    private const int DiscardBufferBytes = 16 * 1024;

    private long _read;
    private bool _refused;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_refused || http.Request.ContentLength > limits.MaxRequestBodyBytes)
            throw await RefuseAsync(cancellationToken);
        // Never more than one byte past the cap: that byte is enough to know.
        var room = (int)Math.Min(buffer.Length, limits.MaxRequestBodyBytes - _read + 1);
        var read = await inner.ReadAsync(buffer[..room], cancellationToken);
        _read += read;
        if (_read > limits.MaxRequestBodyBytes) throw await RefuseAsync(cancellationToken);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Kestrel refuses synchronous reads unless AllowSynchronousIO is set; this keeps the same rule.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    private async Task<BadHttpRequestException> RefuseAsync(CancellationToken cancellationToken)
    {
        // HTTP/2 and 3 end just this stream after the answer (RST_STREAM, NO_ERROR): nothing to discard, no connection to close.
        if (!_refused && (HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol)))
        {
            if (!http.Response.HasStarted) http.Response.Headers.Connection = "close";
            var waitingForContinue = _read == 0 && http.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase);
            if (!waitingForContinue) await DiscardRestAsync(cancellationToken);
        }
        _refused = true;
        return new BadHttpRequestException(
            $"The request body is larger than the {limits.MaxRequestBodyBytes} bytes the gateway accepts.", StatusCodes.Status413PayloadTooLarge);
    }

    /// <summary>Reads the rest of the body into nothing, within the bounds; past them the connection is simply closed.</summary>
    private async Task DiscardRestAsync(CancellationToken cancellationToken)
    {
        var remaining = http.Request.ContentLength - _read;
        if (remaining > limits.MaxDiscardedBodyBytes) return; // it could not be read to its end anyway

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, http.RequestAborted);
        deadline.CancelAfter(limits.BodyDiscardTimeout);
        var buffer = ArrayPool<byte>.Shared.Rent(DiscardBufferBytes);
        try
        {
            long discarded = 0;
            while (discarded <= limits.MaxDiscardedBodyBytes)
            {
                var read = await inner.ReadAsync(buffer.AsMemory(0, DiscardBufferBytes), deadline.Token);
                if (read == 0) return;
                discarded += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // Out of time, the client left, or Kestrel's outer bound: the connection closes after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
