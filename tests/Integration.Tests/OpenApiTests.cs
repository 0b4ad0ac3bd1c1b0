using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Gateway.Api;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace HealthGateway.Integration.Tests;

/// <summary>The OpenAPI document describes the whole REST API as it is mapped, with security and working examples.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), environment: "Development");
        var response = await _gateway.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Every mapped /api route, from the routing table itself, so a new endpoint can't go undescribed.</summary>
    private IEnumerable<(string Path, string Method, RouteEndpoint Endpoint)> ApiEndpoints() =>
        _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => ("/" + e.RoutePattern.RawText!.Trim('/'), m.ToLowerInvariant(), e)));

    private JsonObject Operation(string path, string method) =>
        _document["paths"]?[path]?[method]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the OpenAPI document");

    [Fact]
    public void Every_api_endpoint_is_described_with_an_id_a_summary_and_the_bearer_requirement()
    {
        var endpoints = ApiEndpoints().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var (path, method, _) in endpoints)
        {
            var operation = Operation(path, method);
            Assert.False(string.IsNullOrWhiteSpace(operation["operationId"]?.GetValue<string>()), $"{method} {path} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
            var security = operation["security"]?.AsArray();
            Assert.True(security is { Count: > 0 } && security[0]!.AsObject().ContainsKey("Bearer"), $"{method} {path} declares no bearer security");
            Assert.NotNull(operation["responses"]?["401"]);
            Assert.NotNull(operation["responses"]?["403"]);
        }

        var scheme = _document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
    }

    [Fact]
    public void Every_api_endpoint_has_an_example_of_its_success_answer()
    {
        foreach (var (path, method, _) in ApiEndpoints())
        {
            var responses = Operation(path, method)["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).SelectMany(r => r.Value!["content"]?.AsObject().Select(c => c.Value?["example"]) ?? []).FirstOrDefault(e => e is not null);
            Assert.True(success is not null, $"{method} {path} has no example for its success answer");
        }
    }

    [Fact]
    public void Write_examples_are_requests_the_api_accepts()
    {
        var now = DateTimeOffset.UtcNow;
        var book = Deserialize(Operation("/api/v1/patients/{patientId}/appointments", "post"), GatewayApiJsonContext.Default.BookAppointmentRequest);
        Assert.NotNull(book.Validate(now).Contract);
        var move = Deserialize(Operation("/api/v1/patients/{patientId}/appointments/{appointmentId}", "put"), GatewayApiJsonContext.Default.RescheduleAppointmentRequest);
        Assert.NotNull(move.Validate("a-4f1c9e", now).Contract);
        var pay = Deserialize(Operation("/api/v1/patients/{patientId}/invoices/{invoiceId}/payments", "post"), GatewayApiJsonContext.Default.PayInvoiceRequest);
        Assert.NotNull(pay.Validate("i-77a0d2").Contract);
    }

    [Fact]
    public void Durable_writes_document_idempotency_key_and_prefer()
    {
        var parameters = Operation("/api/v1/patients/{patientId}/appointments", "post")["parameters"]!.AsArray()
            .Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList();
        Assert.Contains(("Idempotency-Key", "header"), parameters);
        Assert.Contains(("Prefer", "header"), parameters);
    }

    [Fact]
    public async Task The_interactive_reference_is_served_locally_in_development()
    {
        var page = await _gateway.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("scalar.js", html);
        Assert.DoesNotContain("https://", html); // no CDN: the page works on a closed network
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/docs/scalar.js")).StatusCode);
    }

    [Fact]
    public async Task Outside_development_the_document_is_served_but_the_interactive_reference_is_not()
    {
        await using var production = await GatewayNode.StartAsync(_temp.Sub("prod"));
        Assert.Equal(HttpStatusCode.OK, (await production.Http.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await production.Http.GetAsync("/docs/")).StatusCode);
    }

    [Fact]
    public async Task Outside_development_the_interactive_reference_is_served_when_switched_on()
    {
        // What ./run-local.sh does: Production defaults otherwise, /docs for the demo.
        await using var demo = await GatewayNode.StartAsync(_temp.Sub("demo"), settings: new Dictionary<string, string?> { ["Gateway:ServeApiReference"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await demo.Http.GetAsync("/docs/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await demo.Http.GetAsync("/docs/scalar.js")).StatusCode);
    }

    private static T Deserialize<T>(JsonObject operation, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var example = operation["requestBody"]?["content"]?["application/json"]?["example"]
                      ?? throw new Xunit.Sdk.XunitException("no request example");
        return example.Deserialize(type)!;
    }
}
