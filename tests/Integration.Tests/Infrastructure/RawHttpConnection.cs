using System.Net.Sockets;
using System.Text;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.1 client on a bare TCP socket, for tests that must misbehave at the byte level
/// (trickle headers, trickle a body, hold a connection open without a request).
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _received = [];

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri baseUrl)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port);
        return new RawHttpConnection(client);
    }

    /// <summary>Everything the server sent so far, as text.</summary>
    public string Received => Encoding.ASCII.GetString([.. _received]);

    /// <summary>The status code of the first response received, if any.</summary>
    public int? FirstStatus =>
        Received.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(Received.AsSpan(9, 3), out var status) ? status : null;

    /// <summary>The first response's header values named <paramref name="name"/>, exactly as they came.</summary>
    public IReadOnlyList<string> Header(string name)
    {
        var head = Received;
        var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return [.. (end < 0 ? head : head[..end]).Split("\r\n").Skip(1)
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim())];
    }

    /// <summary>The first response's body, with chunked framing removed.</summary>
    public string ResponseBody
    {
        get
        {
            var text = Received;
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) return "";
            var body = text[(end + 4)..];
            if (!IsChunked(text[..end])) return body;
            var decoded = new StringBuilder();
            var at = 0;
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = Convert.ToInt32(body[at..lineEnd].Split(';')[0], 16);
                if (size == 0) return decoded.ToString();
                decoded.Append(body, lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a request and reads one complete response head and body (Content-Length or none).</summary>
    public async Task<int> RequestAsync(string method, string path, string? authorization = null, TimeSpan? timeout = null, IEnumerable<string>? headers = null)
    {
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: gateway\r\n");
        if (authorization is not null) request.Append($"Authorization: Bearer {authorization}\r\n");
        foreach (var header in headers ?? []) request.Append($"{header}\r\n");
        request.Append("\r\n");
        _received.Clear();
        await SendAsync(request.ToString());
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var head = Received;
            var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var complete = IsChunked(head[..end])
                    ? head.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
                    : _received.Count >= end + 4 + ContentLength(head[..end]);
                if (complete) return FirstStatus ?? throw new InvalidOperationException($"not an HTTP response: {head}");
            }
            var read = await _stream.ReadAsync(buffer, cts.Token);
            if (read == 0) throw new IOException($"server closed the connection; received: '{Received}'");
            _received.AddRange(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// Sends a request head and its body as a simple client does (all of it, then read the answer). Like most
    /// HTTP clients it treats a failed write (the server reset the connection) as a failed request:
    /// <see cref="UploadOutcome.BodySent"/> is false then. The status is that of the first response that
    /// arrived before the server closed or <paramref name="timeout"/> passed (null: none).
    /// </summary>
    public async Task<UploadOutcome> UploadAsync(string head, byte[] body, TimeSpan timeout)
    {
        _received.Clear();
        var sent = true;
        try
        {
            await SendAsync(head);
            await SendAsync(body);
        }
        catch (IOException)
        {
            sent = false; // the server closed while the body was still going out
        }
        await ReadResponseOrCloseAsync(timeout);
        return new UploadOutcome(sent, FirstStatus);
    }

    /// <summary>Reads until one whole response arrived, the server closed (or reset) the connection, or time ran out.</summary>
    private async Task ReadResponseOrCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        try
        {
            while (!HasCompleteResponse())
            {
                var read = await _stream.ReadAsync(buffer, cts.Token);
                if (read == 0) return;
                _received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Reset or timed out: the caller looks at what arrived before.
        }
    }

    private bool HasCompleteResponse()
    {
        var head = Received;
        var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        return IsChunked(head[..end])
            ? head.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
            : _received.Count >= end + 4 + ContentLength(head[..end]);
    }

    /// <summary>
    /// Reads until the server closes the connection (end of stream or reset); true if it did within
    /// <paramref name="timeout"/>. Whatever arrived before is in <see cref="Received"/>.
    /// </summary>
    public async Task<bool> WaitForServerCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, cts.Token);
                if (read == 0) return true;
                _received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> one at a time with <paramref name="pause"/> between them until the server
    /// closes the connection; returns how many bytes went out before it did, or null if it never closed
    /// within <paramref name="timeout"/>.
    /// </summary>
    public async Task<int?> TrickleUntilClosedAsync(byte[] bytes, TimeSpan pause, TimeSpan timeout)
    {
        var closed = WaitForServerCloseAsync(timeout);
        for (var sent = 0; sent < bytes.Length; sent++)
        {
            if (closed.IsCompleted) return await closed ? sent : null;
            try
            {
                await SendAsync(bytes[sent..(sent + 1)]);
            }
            catch (IOException)
            {
                return await closed ? sent : null; // the server is gone: the write failed
            }
            // Pacing of the slow client, not a wait for the server: the outcome is awaited below.
            await Task.WhenAny(closed, Task.Delay(pause));
        }
        return await closed ? bytes.Length : null;
    }

    private static bool IsChunked(string head) =>
        head.Split("\r\n").Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line["Content-Length:".Length..].Trim());
        return 0;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a client that sends a whole body before reading saw: whether the body went out, and the status it read.</summary>
public sealed record UploadOutcome(bool BodySent, int? Status);
