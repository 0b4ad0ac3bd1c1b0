using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace HealthGateway.Ops.Cli;

/// <summary>The ops API over HTTP; failures become <see cref="GatewayException"/>s with hgw's exit codes.</summary>
public sealed class GatewayClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    public GatewayClient(GatewaySettings settings)
    {
        _http = new HttpClient { BaseAddress = new Uri(settings.ResolveGateway().TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
        if (settings.ResolveToken() is { Length: > 0 } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>GET or POST an ops route; returns the raw JSON and its parsed root.</summary>
    public Task<(string Raw, JsonElement Root)> SendAsync(HttpMethod method, string path, MemberAddressBody? body, CancellationToken ct) =>
        SendJsonAsync(method, path, body is null ? null : JsonSerializer.Serialize(body, CliJsonContext.Default.MemberAddressBody), ct);

    /// <summary>Sends an ops request with an already serialized JSON body (or none).</summary>
    public async Task<(string Raw, JsonElement Root)> SendJsonAsync(HttpMethod method, string path, string? jsonBody, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, "api/v1/ops/" + path);
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        var response = await SendCoreAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token, ct);
        using (response)
        {
            var raw = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode, raw);
            using var doc = JsonDocument.Parse(raw.Length == 0 ? "null" : raw);
            return (raw, doc.RootElement.Clone());
        }
    }

    /// <summary>Server-sent events of <c>/api/v1/ops/events</c>: (event type, raw JSON data) until cancelled or the stream ends.</summary>
    public async IAsyncEnumerable<(string Type, string Data)> EventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/ops/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connect.CancelAfter(RequestTimeout);
        using var response = await SendCoreAsync(request, HttpCompletionOption.ResponseHeadersRead, connect.Token, ct);
        if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode, await response.Content.ReadAsStringAsync(ct));

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? type = null;
        var data = new StringBuilder();
        while (!ct.IsCancellationRequested)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                throw new GatewayException(ExitCodes.Unreachable, "The gateway closed the event stream.");
            }
            if (line is null) yield break;
            if (line.Length == 0)
            {
                if (data.Length > 0) yield return (type ?? "message", data.ToString());
                type = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
            // ":" lines are comments (subscribed, keep-alive)
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken timeout, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, timeout);
        }
        catch (HttpRequestException e)
        {
            throw new GatewayException(ExitCodes.Unreachable, $"Gateway {_http.BaseAddress} is unreachable: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new GatewayException(ExitCodes.Unreachable, $"Gateway {_http.BaseAddress} did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
    }

    private static GatewayException Failure(HttpStatusCode status, string body)
    {
        var detail = ProblemText(body) ?? status.ToString();
        return status switch
        {
            HttpStatusCode.NotFound => new GatewayException(ExitCodes.NotFound, detail),
            HttpStatusCode.Unauthorized => new GatewayException(ExitCodes.Unauthorized, $"Unauthorized (401): give an admin token with --token, --token-file or HGW_TOKEN. {detail}"),
            HttpStatusCode.Forbidden => new GatewayException(ExitCodes.Unauthorized, $"Forbidden (403): the ops API needs a token with role 'admin'. {detail}"),
            _ => new GatewayException(ExitCodes.Unexpected, $"Gateway answered {(int)status}: {detail}"),
        };
    }

    /// <summary>"title: detail" of an RFC 9457 problem body, if it is one.</summary>
    private static string? ProblemText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return title is null ? detail : detail is null ? title : $"{title}: {detail}";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
