using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Listens to <c>GET /api/v1/ops/events</c> from the moment the gateway says it is subscribed; collects each event's type and data.</summary>
public sealed class OpsEventTap : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Type, string Data)> _events = new();
    private Task _reading = Task.CompletedTask;

    public IReadOnlyList<(string Type, string Data)> Events => _events.ToArray();

    public static async Task<OpsEventTap> StartAsync(GatewayNode gateway, string adminToken)
    {
        var tap = new OpsEventTap();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ops/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, tap._stop.Token);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(tap._stop.Token));
        while (await reader.ReadLineAsync(tap._stop.Token) is { } line && line != ": subscribed") { }
        tap._reading = tap.ReadAsync(response, reader);
        return tap;
    }

    private async Task ReadAsync(HttpResponseMessage response, StreamReader reader)
    {
        using var _ = response;
        string? type = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null) _events.Enqueue((type, line["data: ".Length..]));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
