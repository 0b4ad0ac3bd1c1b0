using System.Globalization;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// One FHIR <c>date</c> search value (<c>ge2026-01-05</c>, <c>lt2026-03</c>, <c>2026-01-05T10:00:00Z</c>): a prefix and the
/// range its precision covers. Served prefixes: eq (default), ge, le, gt, lt. A value without offset is read as UTC.
/// </summary>
public sealed record DateParameter(string Prefix, DateTimeOffset From, DateTimeOffset To)
{
    private static readonly string[] Prefixes = ["eq", "ge", "le", "gt", "lt"];

    public bool Matches(DateTimeOffset at) => Prefix switch
    {
        "ge" => at >= From,
        "le" => at < To,
        "gt" => at >= To,
        "lt" => at < From,
        _ => at >= From && at < To,
    };

    public static bool TryParse(string text, out DateParameter? parameter)
    {
        parameter = null;
        var prefix = "eq";
        if (text.Length > 2 && char.IsAsciiLetterLower(text[0]))
        {
            prefix = text[..2];
            if (!Prefixes.Contains(prefix)) return false;
            text = text[2..];
        }
        var invariant = CultureInfo.InvariantCulture;
        var utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (text.Length == 4 && DateTimeOffset.TryParseExact(text, "yyyy", invariant, utc, out var year))
            parameter = new DateParameter(prefix, year, year.AddYears(1));
        else if (text.Length == 7 && DateTimeOffset.TryParseExact(text, "yyyy-MM", invariant, utc, out var month))
            parameter = new DateParameter(prefix, month, month.AddMonths(1));
        else if (text.Length == 10 && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", invariant, utc, out var day))
            parameter = new DateParameter(prefix, day, day.AddDays(1));
        else if (text.Length > 10 && DateTimeOffset.TryParse(text, invariant, utc, out var instant))
            parameter = new DateParameter(prefix, instant, instant.AddSeconds(1));
        return parameter is not null;
    }
}
