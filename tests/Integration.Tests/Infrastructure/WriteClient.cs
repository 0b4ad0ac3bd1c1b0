using System.Net.Http.Json;
using System.Text.Json;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Helpers for the durable write endpoints.</summary>
public static class WriteClient
{
    public static async Task<HttpResponseMessage> SendAsync(
        this GatewayNode gateway, HttpMethod method, string path, string token, object? body = null,
        string? idempotencyKey = null, string? prefer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (prefer is not null) request.Headers.Add("Prefer", prefer);
        return await gateway.Http.SendAsync(request);
    }

    public static object Booking(DateTimeOffset startsAt, string clinician = "Dr. Test") =>
        new { startsAt, durationMinutes = 30, clinician, reason = "Check-up" };

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<string> OperationStatusAsync(this GatewayNode gateway, string operationUrl, string token)
    {
        var response = await gateway.GetAsync(operationUrl, token);
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("status").GetString()!;
    }
}
