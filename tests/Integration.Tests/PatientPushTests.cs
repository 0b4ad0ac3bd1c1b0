using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using static HealthGateway.Integration.Tests.Infrastructure.PatientEventClient;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Live events for patient apps over real WebSockets and Server-Sent Events: their writes' status changes and
/// changes made at their unit, resumable by last event id, with every limit of a stream enforced.
/// </summary>
public sealed class PatientPushTests : IAsyncLifetime
{
    private const int StreamsPerPatient = 2;
    private const int Window = 5;
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:PatientStreamsPerPatient"] = StreamsPerPatient.ToString(),
            ["Gateway:PatientFeedWindow"] = Window.ToString(),
            ["Gateway:PatientStreamBuffer"] = "4",
            ["Gateway:PatientStreamKeepAlive"] = "00:00:01",
            ["Gateway:PatientStreamCloseGrace"] = "00:00:02",
            ["Gateway:WriteWait"] = "00:00:05",
            ["Auth:ClockSkew"] = "00:00:01",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Opens a stream; a stream just closed by the test frees its place a moment later, so 429 is retried.</summary>
    private async Task<PatientEventClient> OpenAsync(Transport transport, GatewayNode gateway, string patientId, string token, string? lastEventId = null)
    {
        var (client, status) = await Eventually.GetAsync(() => PatientEventClient.TryOpenAsync(transport, gateway, patientId, token, lastEventId),
            r => r.Status != HttpStatusCode.TooManyRequests);
        Assert.True(client is not null, $"stream not opened: {status}");
        return client!;
    }

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero).AddHours(n);

    private static object Numbered(int n) => new { n };

    private static int N(JsonElement e) => e.GetProperty("data").GetProperty("payload").GetProperty("n").GetInt32();

    private static long Seq(JsonElement e) => long.Parse(Id(e)[(Id(e).LastIndexOf('-') + 1)..]);

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.ServerSentEvents)]
    public async Task A_patient_sees_its_write_go_queued_delivered_applied_and_the_unit_change_it_caused(Transport transport)
    {
        var unitId = $"unit-live-{transport}";
        await using var unit = await UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 2);
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", token)).StatusCode));
        await using var stream = await OpenAsync(transport, _gateway, patientId, token);

        var response = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(1)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var operationId = (await response.JsonAsync()).GetProperty("id").GetString()!;

        // The unit reports the outcome and the change it caused separately: they may arrive in either order.
        var seen = new HashSet<string>();
        var events = await stream.UntilAsync(e =>
        {
            seen.Add(Type(e) == "operation.status" ? e.GetProperty("data").GetProperty("status").GetString()! : Type(e));
            return seen.Contains("applied") && seen.Contains("appointment.changed");
        });
        var statuses = events.Where(e => Type(e) == "operation.status").ToList();
        Assert.All(statuses, e => Assert.Equal(operationId, e.GetProperty("data").GetProperty("id").GetString()));
        Assert.Equal(["queued", "delivered", "applied"], statuses.Select(e => e.GetProperty("data").GetProperty("status").GetString()));
        var appointmentId = statuses[^1].GetProperty("data").GetProperty("result").GetProperty("id").GetString();
        var change = events.Single(e => Type(e) == "appointment.changed").GetProperty("data");
        Assert.Equal(UnitEventKinds.AppointmentBooked, change.GetProperty("kind").GetString());
        Assert.Equal(appointmentId, change.GetProperty("payload").GetProperty("id").GetString());
        Assert.Equal(events.Select(Seq).Order(), events.Select(Seq)); // numbered in order
        Assert.All(events, e => Assert.True(e.TryGetProperty("at", out _)));

        // docs/push.md: the operation "exactly as GET /api/v1/operations/{id} returns it" (nulls, escaping and all).
        var get = await _gateway.GetAsync($"/api/v1/operations/{operationId}", token);
        Assert.Equal(await get.Content.ReadAsStringAsync(), statuses[^1].GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.ServerSentEvents)]
    public async Task Changes_made_at_the_unit_reach_only_their_patient(Transport transport)
    {
        await using var unit = await ChangingUnit.AttachAsync(_gateway, $"unit-ch-{transport}", $"p-ch-{transport}", $"p-ch-other-{transport}");
        await using var stream = await OpenAsync(transport, _gateway, $"p-ch-{transport}", _gateway.PatientToken($"p-ch-{transport}"));

        await unit.ReportAsync(UnitEventKinds.InvoicePaid, $"p-ch-other-{transport}", new { invoiceId = "inv-other" });
        await unit.ReportAsync(UnitEventKinds.InvoicePaid, $"p-ch-{transport}", new { invoiceId = "inv-1" });
        await unit.ReportAsync(UnitEventKinds.RecordUpdated, $"p-ch-{transport}", new { section = "allergies" });

        var invoice = await stream.NextAsync();
        Assert.Equal("invoice.changed", Type(invoice));
        Assert.Equal("inv-1", invoice.GetProperty("data").GetProperty("payload").GetProperty("invoiceId").GetString());
        Assert.Equal("record.changed", Type(await stream.NextAsync()));
        Assert.True(await stream.QuietForAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.ServerSentEvents)]
    public async Task A_client_resuming_from_its_last_event_id_gets_only_the_later_events(Transport transport)
    {
        var patientId = $"p-resume-{transport}";
        await using var unit = await ChangingUnit.AttachAsync(_gateway, $"unit-resume-{transport}", patientId);
        var token = _gateway.PatientToken(patientId);

        string lastSeen;
        await using (var first = await OpenAsync(transport, _gateway, patientId, token))
        {
            for (var n = 1; n <= 3; n++) await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, Numbered(n));
            Assert.Equal(1, N(await first.NextAsync()));
            lastSeen = Id(await first.NextAsync()); // event 3 arrives but the app goes away before handling it
        }
        for (var n = 4; n <= 5; n++) await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, Numbered(n));

        await using var resumed = await OpenAsync(transport, _gateway, patientId, token, lastSeen);
        var replayed = new List<int>();
        for (var i = 0; i < 3; i++) replayed.Add(N(await resumed.NextAsync()));
        Assert.Equal([3, 4, 5], replayed);
        Assert.True(await resumed.QuietForAsync(TimeSpan.FromMilliseconds(500)));
        await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, Numbered(6));
        Assert.Equal(6, N(await resumed.NextAsync())); // and live from there
    }

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.ServerSentEvents)]
    public async Task Resuming_from_an_unknown_or_too_old_id_gets_reset_first(Transport transport)
    {
        var patientId = $"p-reset-{transport}";
        await using var unit = await ChangingUnit.AttachAsync(_gateway, $"unit-reset-{transport}", patientId);
        var token = _gateway.PatientToken(patientId);
        string oldest;
        await using (var first = await OpenAsync(transport, _gateway, patientId, token))
        {
            await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, Numbered(1));
            oldest = Id(await first.NextAsync());
        }
        // The window keeps the last 5 events: event 1 and the one after it are gone.
        await unit.ReportManyAsync(Enumerable.Range(2, Window + 1).Select(n => (UnitEventKinds.RecordUpdated, patientId, (object?)Numbered(n))));

        foreach (var lastEventId in new[] { oldest, "0123456789ab-3", "not-an-id" })
        {
            await using var resumed = await OpenAsync(transport, _gateway, patientId, token, lastEventId);
            var reset = await resumed.NextAsync();
            Assert.Equal("reset", Type(reset));
            Assert.False(string.IsNullOrEmpty(reset.GetProperty("data").GetProperty("reason").GetString()));
            Assert.True(await resumed.QuietForAsync(TimeSpan.FromMilliseconds(300)));
            await using var fromReset = await OpenAsync(transport, _gateway, patientId, token, Id(reset));
            Assert.True(await fromReset.QuietForAsync(TimeSpan.FromMilliseconds(300))); // the reset's id is a valid position
        }
    }

    [Fact]
    public async Task A_fresh_server_sent_event_stream_learns_its_position_so_a_reconnect_misses_nothing()
    {
        const string patientId = "p-position";
        await using var unit = await ChangingUnit.AttachAsync(_gateway, "unit-position", patientId);
        var token = _gateway.PatientToken(patientId);

        string? position;
        await using (var first = (SseEventClient)await OpenAsync(Transport.ServerSentEvents, _gateway, patientId, token))
        {
            Assert.True(await first.QuietForAsync(TimeSpan.FromMilliseconds(300))); // no event yet
            position = first.LastEventId; // set by the stream's opening id-only block, as EventSource does
        }
        Assert.NotNull(position);
        // The app was away before it saw any event: the next one is not missed on reconnect.
        await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, Numbered(1));

        await using var again = await OpenAsync(Transport.ServerSentEvents, _gateway, patientId, token, position);
        Assert.Equal(1, N(await again.NextAsync()));
    }

    [Theory]
    [InlineData(Transport.WebSocket)]
    [InlineData(Transport.ServerSentEvents)]
    public async Task Another_patients_stream_is_404_and_no_token_is_401(Transport transport)
    {
        await using var unit = await ChangingUnit.AttachAsync(_gateway, $"unit-deny-{transport}", "p-victim");
        var attacker = _gateway.PatientToken("p-attacker");

        var (other, otherStatus) = await TryOpenAsync(transport, "p-victim", attacker);
        var (anonymous, anonymousStatus) = await TryOpenAsync(transport, "p-victim", null);
        var (unitRole, unitStatus) = await TryOpenAsync(transport, "p-victim", _gateway.Tokens.Mint(Roles.Unit, "p-victim", TimeSpan.FromMinutes(5)));

        Assert.Null(other);
        Assert.Null(anonymous);
        Assert.Null(unitRole);
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
        Assert.Equal(HttpStatusCode.Forbidden, unitStatus);
    }

    [Fact]
    public async Task A_plain_get_is_406_and_an_overlong_last_event_id_is_400()
    {
        var token = _gateway.PatientToken("p-plain");
        var plain = await _gateway.GetAsync(PathFor("p-plain"), token);
        var (overlong, status) = await SseEventClient.TryOpenAsync(_gateway, "p-plain", token, new string('a', 65));

        Assert.Equal(HttpStatusCode.NotAcceptable, plain.StatusCode);
        Assert.Equal("application/problem+json", plain.Content.Headers.ContentType?.MediaType);
        Assert.Null(overlong);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task A_patient_may_hold_only_the_configured_number_of_streams()
    {
        const string patientId = "p-cap";
        var token = _gateway.PatientToken(patientId);
        var open = new List<PatientEventClient>();
        for (var i = 0; i < StreamsPerPatient; i++)
            open.Add(await OpenAsync(i % 2 == 0 ? Transport.ServerSentEvents : Transport.WebSocket, _gateway, patientId, token));

        var (sse, sseStatus) = await SseEventClient.TryOpenAsync(_gateway, patientId, token);
        var (ws, wsStatus) = await WebSocketEventClient.TryOpenAsync(_gateway, patientId, token);
        var otherPatient = await OpenAsync(Transport.ServerSentEvents, _gateway, "p-cap-other", _gateway.PatientToken("p-cap-other"));

        Assert.Null(sse);
        Assert.Null(ws);
        Assert.Equal(HttpStatusCode.TooManyRequests, sseStatus);
        Assert.Equal(HttpStatusCode.TooManyRequests, wsStatus);

        // Closing one frees its place.
        await open[0].DisposeAsync();
        var (again, _) = await Eventually.GetAsync(() => SseEventClient.TryOpenAsync(_gateway, patientId, token), r => r.Client is not null);
        Assert.NotNull(again);
        await again.DisposeAsync();
        await open[1].DisposeAsync();
        await otherPatient.DisposeAsync();
    }

    [Fact]
    public async Task A_message_from_the_patient_on_the_websocket_closes_it_with_1003()
    {
        await using var stream = (WebSocketEventClient)await OpenAsync(Transport.WebSocket, _gateway, "p-talk", _gateway.PatientToken("p-talk"));

        await stream.SendTextAsync("""{"hello":"gateway"}""");

        Assert.Equal(1003, await stream.ReceiveCloseAsync());
    }

    [Fact]
    public async Task The_stream_closes_when_the_token_expires()
    {
        // Token valid for 2 s, plus the configured 1 s clock skew.
        var shortToken = _gateway.Tokens.Mint(Roles.Patient, "p-expiring", TimeSpan.FromSeconds(2));
        await using var ws = (WebSocketEventClient)await OpenAsync(Transport.WebSocket, _gateway, "p-expiring", shortToken);
        await using var sse = (SseEventClient)await OpenAsync(Transport.ServerSentEvents, _gateway, "p-expiring", shortToken);

        Assert.Equal(CloseCodes.TokenExpired, await ws.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
        var comments = await sse.CommentsUntilEndAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(comments, c => c.StartsWith($": closing ({CloseCodes.TokenExpired})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Streams_close_with_1001_when_the_gateway_shuts_down()
    {
        var own = await GatewayNode.StartAsync(_temp.Sub("gw-stop"));
        Task? stopping = null;
        try
        {
            var token = own.PatientToken("p-stop");
            await using var ws = (WebSocketEventClient)await OpenAsync(Transport.WebSocket, own, "p-stop", token);
            await using var sse = (SseEventClient)await OpenAsync(Transport.ServerSentEvents, own, "p-stop", token);

            stopping = own.DisposeAsync().AsTask();

            Assert.Equal(CloseCodes.GoingAway, await ws.ReceiveCloseAsync(TimeSpan.FromSeconds(60)));
            var comments = await sse.CommentsUntilEndAsync(TimeSpan.FromSeconds(60));
            Assert.Contains(comments, c => c.StartsWith($": closing ({CloseCodes.GoingAway})", StringComparison.Ordinal));
        }
        finally
        {
            await (stopping ?? own.DisposeAsync().AsTask());
        }
    }

    [Fact]
    public async Task An_idle_server_sent_event_stream_gets_keep_alive_comments()
    {
        await using var sse = (SseEventClient)await OpenAsync(Transport.ServerSentEvents, _gateway, "p-idle", _gateway.PatientToken("p-idle"));

        Assert.Equal(": keep-alive", await sse.NextCommentAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_client_that_does_not_read_is_cut_off_instead_of_buffered_without_bound()
    {
        const string patientId = "p-slow";
        await using var unit = await ChangingUnit.AttachAsync(_gateway, "unit-slow", patientId);

        // A raw SSE client with a tiny receive buffer that reads nothing while the events come.
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(_gateway.BaseUrl.Host, _gateway.BaseUrl.Port);
        var network = tcp.GetStream();
        var request = $"GET {PathFor(patientId)} HTTP/1.1\r\nHost: {_gateway.BaseUrl.Authority}\r\nAccept: text/event-stream\r\n" +
                      $"Authorization: Bearer {_gateway.PatientToken(patientId)}\r\n\r\n";
        await network.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = new byte[1];
        Assert.Equal(1, await network.ReadAsync(head)); // the response started: the stream is subscribed

        // Far more than the socket buffers and the stream's buffer of 4 events can hold (~12 MB).
        var bulky = new string('x', 16 * 1024);
        const int batches = 15, perBatch = 50;
        for (var b = 0; b < batches; b++)
            await unit.ReportManyAsync(Enumerable.Range(0, perBatch).Select(i => (UnitEventKinds.RecordUpdated, patientId, (object?)new { n = b * perBatch + i, note = bulky })));

        // Now read everything there is: the gateway ended the stream long before the last event.
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var reset = false;
        try
        {
            int read;
            // Until the connection ends, or the response does (the last chunk; the connection itself may stay open).
            while ((read = await network.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (received.Length >= 5 && Encoding.ASCII.GetString(received.GetBuffer(), (int)received.Length - 5, 5) == "0\r\n\r\n") break;
            }
        }
        catch (IOException)
        {
            reset = true; // the close could not be written within the grace period: the connection was dropped
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var delivered = text.Split("\ndata: ").Length - 1;
        Assert.False(deadline.IsCancellationRequested, "the stream was not ended");
        Assert.InRange(delivered, 0, batches * perBatch - 1);
        Assert.True(reset || text.Contains($": closing ({CloseCodes.PolicyViolation})"), "ended without saying why");

        // And its place is free again: the patient may open the full number of streams.
        var streams = new List<PatientEventClient>();
        await Eventually.AssertAsync(async () =>
        {
            foreach (var s in streams) await s.DisposeAsync();
            streams.Clear();
            for (var i = 0; i < StreamsPerPatient; i++) streams.Add(await OpenAsync(Transport.ServerSentEvents, _gateway, patientId, _gateway.PatientToken(patientId)));
        });
        foreach (var s in streams) await s.DisposeAsync();
    }

    private Task<(PatientEventClient? Client, HttpStatusCode Status)> TryOpenAsync(Transport transport, string patientId, string? token) =>
        PatientEventClient.TryOpenAsync(transport, _gateway, patientId, token);
}
