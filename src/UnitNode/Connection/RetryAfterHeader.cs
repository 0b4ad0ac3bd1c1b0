using System.Net.Http.Headers;

namespace HealthGateway.UnitNode.Connection;

/// <summary>Reads HTTP <c>Retry-After</c> (RFC 9110, section 10.2.3) from a refused upgrade: delay-seconds or an HTTP-date.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? From(IReadOnlyDictionary<string, IEnumerable<string>>? headers, DateTimeOffset now)
    {
        if (headers is null) return null;
        var value = headers.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        return Parse(value, now);
    }

    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value) || !RetryConditionHeaderValue.TryParse(value.Trim(), out var parsed)) return null;
        var delay = parsed.Delta ?? (parsed.Date is { } date ? date - now : null);
        return delay is { } d && d > TimeSpan.Zero ? d : null;
    }
}
