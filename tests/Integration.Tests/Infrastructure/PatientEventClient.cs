using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A patient's live event stream as an app opens it: WebSocket or Server-Sent Events.</summary>
public abstract class PatientEventClient : IAsyncDisposable
{
    public enum Transport { WebSocket, ServerSentEvents }

    public static string PathFor(string patientId) => $"/api/v1/patients/{patientId}/events";

    /// <summary>Opens the stream; throws if the gateway does not accept it (use the transport's own Try method to see the status).</summary>
    public static async Task<PatientEventClient> OpenAsync(Transport transport, GatewayNode gateway, string patientId, string token, string? lastEventId = null)
    {
        var (client, status) = await TryOpenAsync(transport, gateway, patientId, token, lastEventId);
        Assert.True(client is not null, $"stream not opened: {status}");
        return client!;
    }

    /// <summary>Opens the stream, or returns the status the gateway refused it with.</summary>
    public static async Task<(PatientEventClient? Client, HttpStatusCode Status)> TryOpenAsync(
        Transport transport, GatewayNode gateway, string patientId, string? token, string? lastEventId = null)
    {
        if (transport == Transport.WebSocket)
        {
            var (ws, wsStatus) = await WebSocketEventClient.TryOpenAsync(gateway, patientId, token, lastEventId);
            return (ws, wsStatus);
        }
        var (sse, sseStatus) = await SseEventClient.TryOpenAsync(gateway, patientId, token, lastEventId);
        return (sse, sseStatus);
    }

    /// <summary>The next event (as the JSON object the gateway sent), or fails after <paramref name="timeout"/>.</summary>
    public abstract Task<JsonElement> NextAsync(TimeSpan? timeout = null);

    /// <summary>Events until one matches <paramref name="last"/> (included).</summary>
    public async Task<List<JsonElement>> UntilAsync(Func<JsonElement, bool> last, TimeSpan? timeout = null)
    {
        var events = new List<JsonElement>();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = await NextAsync(timeout ?? TimeSpan.FromSeconds(30));
            events.Add(next);
            if (last(next)) return events;
            Assert.False(deadline.IsCancellationRequested, $"no matching event among {events.Count}");
        }
    }

    /// <summary>True if no event arrives within <paramref name="quiet"/>.</summary>
    public abstract Task<bool> QuietForAsync(TimeSpan quiet);

    public abstract ValueTask DisposeAsync();

    public static string Type(JsonElement e) => e.GetProperty("type").GetString()!;
    public static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
}

public sealed class WebSocketEventClient : PatientEventClient
{
    private readonly ClientWebSocket _socket;
    private Task<WebSocketReceiveResult>? _pending;
    private readonly byte[] _buffer = new byte[1024 * 1024];

    private WebSocketEventClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public static async Task<(WebSocketEventClient? Client, HttpStatusCode Status)> TryOpenAsync(
        GatewayNode gateway, string patientId, string? token, string? lastEventId = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var query = lastEventId is null ? "" : $"?lastEventId={Uri.EscapeDataString(lastEventId)}";
        try
        {
            await socket.ConnectAsync(new Uri(gateway.WebSocketBase, PathFor(patientId) + query), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            return (new WebSocketEventClient(socket), socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    public override async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        var text = await ReceiveTextAsync(timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(text is not null, $"stream closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        return JsonDocument.Parse(text!).RootElement.Clone();
    }

    public override async Task<bool> QuietForAsync(TimeSpan quiet)
    {
        _pending ??= _socket.ReceiveAsync(new ArraySegment<byte>(_buffer), CancellationToken.None);
        return await Task.WhenAny(_pending, Task.Delay(quiet)) != _pending;
    }

    /// <summary>Reads until the gateway closes the socket; returns its close code.</summary>
    public async Task<int?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        try
        {
            while (await ReceiveTextAsync(timeout ?? TimeSpan.FromSeconds(30)) is not null) { }
        }
        catch (WebSocketException) { }
        return (int?)_socket.CloseStatus;
    }

    public string? CloseDescription => _socket.CloseStatusDescription;

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<string?> ReceiveTextAsync(TimeSpan timeout)
    {
        var count = 0;
        while (true)
        {
            // A receive is never cancelled (that would abort the socket): a pending one is kept for the next call.
            _pending ??= _socket.ReceiveAsync(new ArraySegment<byte>(_buffer, count, _buffer.Length - count), CancellationToken.None);
            if (await Task.WhenAny(_pending, Task.Delay(timeout)) != _pending) throw new TimeoutException("no event in time");
            var result = await _pending;
            _pending = null;
            if (result.MessageType == WebSocketMessageType.Close) return null;
            count += result.Count;
            if (result.EndOfMessage) return Encoding.UTF8.GetString(_buffer, 0, count);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}

public sealed class SseEventClient : PatientEventClient
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private Task<string?>? _pendingLine;

    private SseEventClient(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    /// <summary>The last <c>id:</c> the stream set (also by an id-only block), as EventSource would resend it.</summary>
    public string? LastEventId { get; private set; }

    public HttpResponseMessage Response => _response;

    public static async Task<(SseEventClient? Client, HttpStatusCode Status)> TryOpenAsync(
        GatewayNode gateway, string patientId, string? token, string? lastEventId = null)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, PathFor(patientId));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var status = response.StatusCode;
            response.Dispose();
            http.Dispose();
            return (null, status);
        }
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return (new SseEventClient(http, response, reader), response.StatusCode);
    }

    public override async Task<JsonElement> NextAsync(TimeSpan? timeout = null)
    {
        var data = await NextDataAsync(timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(data is not null, "stream ended");
        return JsonDocument.Parse(data!).RootElement.Clone();
    }

    public override async Task<bool> QuietForAsync(TimeSpan quiet)
    {
        try
        {
            return await NextDataAsync(quiet) is null;
        }
        catch (TimeoutException)
        {
            return true;
        }
    }

    /// <summary>Reads lines until the server ends the stream; returns the comment lines seen (e.g. keep-alives).</summary>
    public async Task<List<string>> CommentsUntilEndAsync(TimeSpan timeout)
    {
        var comments = new List<string>();
        while (await NextLineAsync(timeout) is { } line)
            if (line.StartsWith(':')) comments.Add(line);
        return comments;
    }

    /// <summary>Reads lines until a comment line arrives (e.g. a keep-alive).</summary>
    public async Task<string> NextCommentAsync(TimeSpan timeout)
    {
        while (true)
        {
            var line = await NextLineAsync(timeout) ?? throw new InvalidOperationException("stream ended");
            if (line.StartsWith(": keep-alive", StringComparison.Ordinal)) return line;
        }
    }

    private async Task<string?> NextDataAsync(TimeSpan timeout)
    {
        string? data = null;
        while (true)
        {
            var line = await NextLineAsync(timeout);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (data is not null) return data;
                continue;
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal)) LastEventId = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
    }

    private async Task<string?> NextLineAsync(TimeSpan timeout)
    {
        _pendingLine ??= _reader.ReadLineAsync();
        if (await Task.WhenAny(_pendingLine, Task.Delay(timeout)) != _pendingLine) throw new TimeoutException("no line in time");
        var line = await _pendingLine;
        _pendingLine = null;
        return line;
    }

    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
