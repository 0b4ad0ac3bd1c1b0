using System.Globalization;

namespace HealthGateway.Gateway.Http;

/// <summary>RFC 7240 <c>Prefer</c>: <c>respond-async</c> (answer 202 once durable) or <c>wait=N</c> seconds.</summary>
public static class PreferHeader
{
    /// <summary>The wait window to use and the preference applied (for <c>Preference-Applied</c>), if any.</summary>
    public static (TimeSpan Wait, string? Applied) Resolve(HttpRequest request, TimeSpan defaultWait, TimeSpan maxWait)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Equals("respond-async", StringComparison.OrdinalIgnoreCase)) return (TimeSpan.Zero, "respond-async");
                if (part.StartsWith("wait=", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(part.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    var wait = TimeSpan.FromSeconds(seconds);
                    return (wait > maxWait ? maxWait : wait, $"wait={(int)(wait > maxWait ? maxWait : wait).TotalSeconds}");
                }
            }
        }
        return (defaultWait, null);
    }
}
