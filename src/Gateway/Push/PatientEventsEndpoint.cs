using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Push;

public static class PatientEventsEndpoint
{
    public const string LastEventIdHeader = "Last-Event-ID";
    public const string LastEventIdQuery = "lastEventId";

    /// <summary>
    /// <c>GET /api/v1/patients/{patientId}/events</c>: the patient's live events, as a WebSocket (upgrade) or as
    /// Server-Sent Events (<c>Accept: text/event-stream</c>). Access is decided by the patient group's filter.
    /// </summary>
    public static RouteGroupBuilder MapPatientEvents(this IEndpointRouteBuilder app)
    {
        var group = app.MapPatientGroup();
        group.MapGet("/events", StreamAsync)
            .WithName(PushApiExamples.EndpointName)
            .WithSummary("The patient's live events (operation status, appointment/invoice/record changes) as SSE or WebSocket")
            .WithDescription("""
                Send `Accept: text/event-stream` for Server-Sent Events, or open a WebSocket on the same URL. Resume with
                `Last-Event-ID` (SSE) or `?lastEventId=` (WebSocket); an id the gateway no longer holds yields one `reset`
                event: fetch the current state, then carry on. See docs/push.md.
                """)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<IResult> StreamAsync(
        string patientId,
        HttpContext http,
        IRequiredActor<PatientStreamsActor> streams,
        IRequiredActor<PatientFeedRegion> feeds,
        IOptions<GatewayOptions> options,
        AuthOptions auth,
        IHostApplicationLifetime lifetime)
    {
        var settings = options.Value;
        var isWebSocket = http.WebSockets.IsWebSocketRequest;
        if (!isWebSocket && !AcceptsEventStream(http.Request))
            return Problems.Create(StatusCodes.Status406NotAcceptable, "Event stream required",
                "Open this endpoint as a WebSocket, or with 'Accept: text/event-stream' for Server-Sent Events.");

        var lastEventId = http.Request.Headers[LastEventIdHeader].FirstOrDefault() is { Length: > 0 } header
            ? header
            : http.Request.Query[LastEventIdQuery].FirstOrDefault() is { Length: > 0 } query ? query : null;
        if (lastEventId is { Length: > FeedEventId.MaxLength })
            return Problems.BadRequest("Invalid last event id", $"An event id has at most {FeedEventId.MaxLength} characters.");

        var channel = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(settings.PatientStreamBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the stream is closed, nothing grows
        });
        var overflowed = new CancellationTokenSource(); // cancelled by the stream actor; never disposed while it may
        var streamSettings = new PatientStreamSettings(patientId, lastEventId, feeds.ActorRef, channel.Writer, overflowed, settings.ReadTimeout);
        object reply;
        try
        {
            reply = await streams.ActorRef.Ask<object>(new PatientStreamCommands.Open(streamSettings), settings.ReadTimeout + TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException)
        {
            reply = new PatientStreamReplies.Unavailable();
        }
        switch (reply)
        {
            case PatientStreamReplies.Refused refused:
                return Problems.Create(StatusCodes.Status429TooManyRequests, "Too many event streams",
                    $"This patient already has {refused.Limit} open event streams. Close one first.", 5);
            case not PatientStreamReplies.Opened:
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Event stream unavailable",
                    "The patient's event feed did not answer in time. Try again shortly.", 5);
        }
        var opened = (PatientStreamReplies.Opened)reply;

        // The stream lives as long as the token (plus the configured skew), like a unit socket.
        var expires = http.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) + auth.ClockSkew
            : DateTimeOffset.MaxValue;
        using var expiry = new CancellationTokenSource();
        var untilExpiry = expires - DateTimeOffset.UtcNow;
        if (untilExpiry < TimeSpan.FromDays(365)) expiry.CancelAfter(untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero);

        var run = new StreamRun(channel.Reader, settings, http.RequestAborted, lifetime.ApplicationStopping, overflowed.Token, expiry.Token);
        try
        {
            if (isWebSocket) await run.WebSocketAsync(http);
            else await run.ServerSentEventsAsync(http, lastEventId is null ? opened.Position : null);
        }
        finally
        {
            opened.Stream.Tell(PoisonPill.Instance);
            run.Dispose();
        }
        return Results.Empty;
    }

    private static bool AcceptsEventStream(HttpRequest request) =>
        request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>One open stream: reads the bounded buffer and writes to the client until something ends it.</summary>
    private sealed class StreamRun : IDisposable
    {
        private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();
        private readonly ChannelReader<FeedEvent> _reader;
        private readonly GatewayOptions _settings;
        private readonly CancellationToken _clientGone;
        private readonly CancellationToken _shuttingDown;
        private readonly CancellationToken _overflowed;
        private readonly CancellationToken _expired;
        private readonly CancellationTokenSource _stop;
        // Cancelled a grace period after the stream must end: a send stuck on a client that does not read is abandoned.
        private readonly CancellationTokenSource _abort;
        private readonly CancellationTokenRegistration _abortLater;

        public StreamRun(ChannelReader<FeedEvent> reader, GatewayOptions settings, CancellationToken clientGone,
            CancellationToken shuttingDown, CancellationToken overflowed, CancellationToken expired)
        {
            _reader = reader;
            _settings = settings;
            _clientGone = clientGone;
            _shuttingDown = shuttingDown;
            _overflowed = overflowed;
            _expired = expired;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(clientGone, shuttingDown, overflowed, expired);
            _abort = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
            var grace = settings.PatientStreamCloseGrace;
            _abortLater = _stop.Token.Register(() => { try { _abort.CancelAfter(grace); } catch (ObjectDisposedException) { } });
        }

        public async Task WebSocketAsync(HttpContext http)
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = _settings.PatientStreamKeepAlive,
                KeepAliveTimeout = _settings.PatientStreamKeepAlive * 3, // dead client: no pong -> aborted
            });
            // Patients only listen: the first thing they send (a close, or anything else) ends the stream.
            var inbound = FirstInboundAsync(socket);
            bool ended;
            try
            {
                ended = await PumpAsync(e => socket.SendAsync(Encoding.UTF8.GetBytes(e.Json).AsMemory(), WebSocketMessageType.Text, true, _abort.Token), inbound, keepAlive: null);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                socket.Abort(); // the client vanished mid-send, or a send was stuck past the grace period
                return;
            }

            var (code, reason) = inbound.IsCompleted
                ? inbound.Result == WebSocketMessageType.Close
                    ? (CloseCodes.Normal, "closed by the client")
                    : (1003, "this stream does not accept messages")
                : CloseReason(ended);
            if (code is null) return; // the client is gone
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code.Value, reason, _abort.Token);
                // Wait (within the grace period) for the client's close, so it sees the code before the TCP close.
                await inbound.WaitAsync(_settings.PatientStreamCloseGrace);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
                socket.Abort();
            }
        }

        public async Task ServerSentEventsAsync(HttpContext http, string? position)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["X-Accel-Buffering"] = "no"; // reverse proxies must not hold events back
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var body = http.Response.Body;
            try
            {
                // A fresh stream learns its position at once (an id-only block dispatches no event in EventSource
                // but sets its last event id), so even its first automatic reconnect resumes without a gap.
                await WriteAsync(body, position is null ? ": open\n\n" : $": open\nid: {position}\n\n");
                var ended = await PumpAsync(e => WriteAsync(body, $"id: {e.Id}\ndata: {e.Json}\n\n"),
                    inbound: null, keepAlive: () => WriteAsync(body, KeepAlive));
                var (code, reason) = CloseReason(ended);
                if (code is not null) await WriteAsync(body, $": closing ({code}): {reason}\n\n");
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                http.Abort(); // a write stuck past the grace period, or the client vanished: drop the connection
            }
        }

        /// <summary>Sends buffered events until the buffer ends, the client speaks (WebSocket), or a stop condition fires.</summary>
        private async Task<bool> PumpAsync(Func<FeedEvent, ValueTask> send, Task<WebSocketMessageType>? inbound, Func<ValueTask>? keepAlive)
        {
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var onStop = _stop.Token.Register(() => stopped.TrySetResult());
            Task<bool>? canRead = null;
            while (!_stop.IsCancellationRequested)
            {
                canRead ??= _reader.WaitToReadAsync(CancellationToken.None).AsTask();
                var idle = keepAlive is null ? null : Task.Delay(_settings.PatientStreamKeepAlive, _stop.Token);
                var woke = await Task.WhenAny(new[] { canRead, stopped.Task, inbound, idle }.OfType<Task>());
                if (woke == canRead)
                {
                    if (!await canRead) return true; // the stream actor ended it
                    canRead = null;
                    while (!_stop.IsCancellationRequested && _reader.TryRead(out var next)) await send(next);
                }
                else if (woke == idle && idle.IsCompletedSuccessfully && keepAlive is not null) await keepAlive();
                else if (woke == inbound) return false;
            }
            return false;
        }

        /// <summary>Why the stream ends, as a WebSocket close code and reason (null code: the client is gone).</summary>
        private (int? Code, string Reason) CloseReason(bool feedEnded) =>
            _clientGone.IsCancellationRequested ? (null, "")
            : _overflowed.IsCancellationRequested ? (CloseCodes.PolicyViolation, "client too slow: events were not read in time; reconnect with lastEventId")
            : _expired.IsCancellationRequested ? (CloseCodes.TokenExpired, "token expired; reconnect with a fresh token")
            : _shuttingDown.IsCancellationRequested ? (CloseCodes.GoingAway, "gateway shutting down; reconnect with lastEventId")
            : feedEnded ? (CloseCodes.GoingAway, "event feed moved; reconnect with lastEventId")
            : (CloseCodes.Normal, "");

        private ValueTask WriteAsync(Stream body, string text) => WriteAsync(body, Encoding.UTF8.GetBytes(text));

        private async ValueTask WriteAsync(Stream body, byte[] bytes)
        {
            await body.WriteAsync(bytes, _abort.Token);
            await body.FlushAsync(_abort.Token);
        }

        private static async Task<WebSocketMessageType> FirstInboundAsync(WebSocket socket)
        {
            var buffer = new byte[256];
            try
            {
                return (await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                return WebSocketMessageType.Close;
            }
        }

        public void Dispose()
        {
            _abortLater.Dispose();
            _stop.Dispose();
            _abort.Dispose();
        }
    }
}
