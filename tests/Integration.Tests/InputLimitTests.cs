using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// REST input limits through a real Kestrel socket: the body cap (with and without Content-Length),
/// field validation on every write endpoint, and malformed JSON. Each answers problem+json.
/// (The unit socket's frame cap, close 1009, is in <see cref="UnitSocketTests"/>.)
/// </summary>
public sealed class InputLimitTests : IAsyncLifetime
{
    private const string Patient = "p-limits";
    private const int BodyCap = 4096;
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:MaxRequestBodyBytes"] = BodyCap.ToString(),
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
