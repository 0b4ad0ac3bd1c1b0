using System.Text.Json;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A reader of the ops event stream (<c>GET /api/v1/ops/events</c>, Server-Sent Events) with an admin token.</summary>
public sealed class OpsEvents : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private OpsEvents(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<OpsEvents> OpenAsync(GatewayNode gateway)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ops/events");
        request.Headers.Authorization = new("Bearer", gateway.AdminToken());
        var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new OpsEvents(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The data of the next event of <paramref name="type"/>, skipping others.</summary>
    public async Task<JsonElement> UntilAsync(string type, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        string? current = null;
        while (await _reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) current = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == type)
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        }
        throw new InvalidOperationException($"the ops event stream ended before a '{type}' event");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
