namespace HealthGateway.Gateway.Health;

/// <summary>
/// <c>healthcheck [url]</c>: exits 0 when the gateway's readiness endpoint answers 200.
/// For container HEALTHCHECKs, where the runtime image has no curl.
/// </summary>
public static class HealthCheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080/healthz/ready";

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 0 ? args[0] : DefaultUrl;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}: {e.Message}");
            return 1;
        }
    }
}
