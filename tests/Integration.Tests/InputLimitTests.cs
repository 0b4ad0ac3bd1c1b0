using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// REST input limits through a real Kestrel socket: the body cap (Content-Length, chunked, Expect: 100-continue,
/// repeated uploads from clients that send everything before reading, the discard bound),
/// field validation on every write endpoint, and malformed JSON. Each answers problem+json.
/// (The unit socket's frame cap, close 1009, is in <see cref="UnitSocketTests"/>.)
/// </summary>
public sealed class InputLimitTests : IAsyncLifetime
{
    private const string Patient = "p-limits";
    private const int BodyCap = 4096;
    private const int DiscardBound = 8 * 1024 * 1024;
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = BodyCap.ToString(),
            ["Gateway:MaxDiscardedBodyBytes"] = DiscardBound.ToString(),
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private static string Path(string tail) => $"/api/v1/patients/{Patient}{tail}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new("Bearer", _gateway.PatientToken(Patient));
        return await _gateway.Http.SendAsync(request);
    }

    private static async Task<System.Text.Json.JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    private static byte[] BookingOfSize(int size)
    {
        var prefix = """{"startsAt":"2030-01-01T10:00:00Z","durationMinutes":30,"clinician":"Dr. X","reason":" """;
        return Encoding.UTF8.GetBytes(prefix + new string('r', size - prefix.Length - 2) + "\"}");
    }

    [Fact]
    public async Task A_body_over_the_cap_with_Content_Length_is_413_problem_json()
    {
        var content = new ByteArrayContent(BookingOfSize(BodyCap + 1));
        content.Headers.ContentType = new("application/json");

        var response = await SendAsync(HttpMethod.Post, Path("/appointments"), content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains($"{BodyCap} bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_cap_is_413_problem_json()
    {
        var content = new UnknownLengthContent(BookingOfSize(BodyCap * 4));

        var response = await SendAsync(HttpMethod.Post, Path("/appointments"), content);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    private const int Uploads = 20;

    /// <summary>Far over the cap and larger than loopback socket buffers: the client is still sending when the gateway decides.</summary>
    private const int BigBody = 4 * 1024 * 1024;

    private string UploadHead(string framing) =>
        $"POST {Path("/appointments")} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {_gateway.PatientToken(Patient)}\r\n" +
        $"Content-Type: application/json\r\n{framing}\r\n";

    private (string Head, byte[] Wire) Upload(string framing, byte[] body) => framing == "chunked"
        ? (UploadHead("Transfer-Encoding: chunked\r\n"), Chunked(body))
        : (UploadHead($"Content-Length: {body.Length}\r\n"), body);

    private static byte[] Chunked(byte[] body, int chunkSize = 16 * 1024)
    {
        var encoded = new List<byte>(body.Length + body.Length / chunkSize * 12 + 16);
        for (var at = 0; at < body.Length; at += chunkSize)
        {
            var chunk = body.AsSpan(at, Math.Min(chunkSize, body.Length - at));
            encoded.AddRange(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
            encoded.AddRange(chunk);
            encoded.AddRange("\r\n"u8);
        }
        encoded.AddRange("0\r\n\r\n"u8);
        return [.. encoded];
    }

    /// <summary>
    /// The client sends its whole body before it reads (no <c>Expect: 100-continue</c>) and, like most HTTP clients,
    /// gives up when a write fails. Kestrel's own limit answered and closed while the body was still arriving:
    /// the client then saw a reset (about 1 upload in 5 at 1 MiB, most at 4 MiB) instead of the 413.
    /// </summary>
    [Theory]
    [InlineData("content-length")]
    [InlineData("chunked")]
    public async Task A_big_body_sent_without_waiting_is_read_to_its_end_and_answered_413_every_time(string framing)
    {
        var (head, wire) = Upload(framing, BookingOfSize(BigBody));
        var tables = GatewayDb.RowCountsExceptAudit(_gateway.DataDirectory);
        var lastAudit = GatewayDb.LastAuditId(_gateway.DataDirectory);
        var outcomes = new List<UploadOutcome>();
        for (var i = 0; i < Uploads; i++)
        {
            await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
            outcomes.Add(await connection.UploadAsync(head, wire, TimeSpan.FromSeconds(30)));
            Assert.Contains("Content-Type: application/problem+json", connection.Received, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"{BodyCap} bytes", connection.Received);
            Assert.Contains("Connection: close", connection.Received, StringComparison.OrdinalIgnoreCase);
        }
        Assert.All(outcomes, o => Assert.Equal(new UploadOutcome(BodySent: true, Status: 413), o));
        // Nothing stored, and each refusal audited like any other answer on a patient route.
        Assert.Equal(tables, GatewayDb.RowCountsExceptAudit(_gateway.DataDirectory));
        var audited = GatewayDb.AuditRowsAfter(_gateway.DataDirectory, lastAudit);
        Assert.Equal(Uploads, audited.Count);
        Assert.All(audited, r => Assert.Equal(("patient", Patient, "write", 413), (r.Role, r.PatientId, r.Action, r.Status)));
    }

    [Fact]
    public async Task A_big_body_announced_with_Expect_100_continue_gets_413_without_being_asked_for()
    {
        for (var i = 0; i < Uploads; i++)
        {
            await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
            // Only the head: a client that asked for 100-continue waits for it (or a final answer) before sending.
            var outcome = await connection.UploadAsync(UploadHead($"Content-Length: {BigBody}\r\nExpect: 100-continue\r\n"), [], TimeSpan.FromSeconds(30));
            Assert.Equal(413, outcome.Status); // not "100 Continue": the gateway does not ask for a body it will refuse
            Assert.Contains("Content-Type: application/problem+json", connection.Received, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task HttpClient_uploads_over_the_cap_all_get_413_not_a_reset()
    {
        // The common client: SocketsHttpHandler, no Expect header, fails the request when a write fails.
        for (var i = 0; i < Uploads; i++)
        {
            var content = new ByteArrayContent(BookingOfSize(BigBody));
            content.Headers.ContentType = new("application/json");
            var response = await SendAsync(HttpMethod.Post, Path("/appointments"), content);
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        }
    }

    [Theory]
    [InlineData("content-length")]
    [InlineData("chunked")]
    public async Task A_body_beyond_the_discard_bound_is_not_read_to_its_end(string framing)
    {
        // The bound is what makes discarding safe: the gateway stops reading and closes the connection.
        var (head, wire) = Upload(framing, BookingOfSize(DiscardBound * 4));
        await using var connection = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);

        var outcome = await connection.UploadAsync(head, wire, TimeSpan.FromSeconds(30));

        Assert.False(outcome.BodySent, $"the gateway read {wire.Length} bytes; answered {outcome.Status}");
    }

    [Fact]
    public async Task A_body_just_under_the_cap_is_read_and_validated()
    {
        // Reaches validation (the reason is too long for the contract) instead of the size limit.
        var content = new ByteArrayContent(BookingOfSize(BodyCap));
        content.Headers.ContentType = new("application/json");

        var response = await SendAsync(HttpMethod.Post, Path("/appointments"), content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
    }

    public static TheoryData<string, string, string?, string> FieldErrors => new()
    {
        { "POST", "/appointments", """{"startsAt":"2030-01-01T10:00:00Z","durationMinutes":1000,"clinician":"Dr. X","reason":"r"}""", "durationMinutes" },
        { "POST", "/appointments", """{"durationMinutes":30,"clinician":"Dr. X","reason":"r"}""", "startsAt" },
        { "PUT", "/appointments/a-1", """{"startsAt":null}""", "startsAt" },
        { "PUT", "/appointments/a-1", """{"startsAt":"2001-01-01T10:00:00Z"}""", "startsAt" },
        { "DELETE", "/appointments/a-1?reason=" + new string('r', 501), null, "reason" },
        { "POST", "/invoices/i-1/payments", """{"amountCents":100,"currency":"euro","paymentReference":"x"}""", "currency" },
        { "POST", "/invoices/i-1/payments", """{"amountCents":0,"currency":"EUR","paymentReference":"x"}""", "amountCents" },
        { "POST", "/invoices/i-1/payments", """{"amountCents":100,"currency":"EUR"}""", "paymentReference" },
    };

    [Theory]
    [MemberData(nameof(FieldErrors))]
    public async Task Every_write_endpoint_answers_a_field_error_with_400_problem_json(string method, string path, string? body, string field)
    {
        var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");

        var response = await SendAsync(new HttpMethod(method), Path(path), content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for {field}: {problem}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        { "POST", "/appointments", """{"startsAt":""" },
        { "POST", "/appointments", """{"durationMinutes":"thirty"}""" },
        { "PUT", "/appointments/a-1", "not json at all" },
        { "POST", "/invoices/i-1/payments", """{"amountCents":12.5.3}""" },
        { "POST", "/invoices/i-1/payments", "[1,2,3]" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_JSON_is_400_problem_json_not_500(string method, string path, string body)
    {
        var response = await SendAsync(new HttpMethod(method), Path(path), new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_missing_body_is_400_problem_json()
    {
        var response = await SendAsync(HttpMethod.Post, Path("/appointments"), null);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, response.StatusCode.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Content whose length is not known up front, so HttpClient sends it chunked (no Content-Length).</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
