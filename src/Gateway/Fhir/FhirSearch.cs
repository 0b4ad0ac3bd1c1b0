using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Hl7.Fhir.Model;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// A searchset Bundle of one page: <c>total</c> (all matches), <c>self</c> and <c>next</c>/<c>previous</c> links.
/// Every page is a fresh live read of the unit (no result set is kept on the gateway), so paging is by offset
/// (<c>_offset</c>) and a list that changes between pages shifts like any live list.
/// </summary>
public static class FhirSearch
{
    public const int DefaultCount = 50;
    public const int MaxCount = 200;

    /// <summary><c>_count</c> and <c>_offset</c>, or an error message.</summary>
    public static (int Count, int Offset, string? Error) Paging(HttpRequest request)
    {
        var count = DefaultCount;
        var offset = 0;
        if (request.Query.TryGetValue("_count", out var c) &&
            (!int.TryParse(c.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > MaxCount))
            return (0, 0, $"_count must be a whole number from 0 to {MaxCount}.");
        if (request.Query.TryGetValue("_offset", out var o) &&
            !int.TryParse(o.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            return (0, 0, "_offset must be a whole number.");
        return (count, offset, null);
    }

    public static Bundle Page(HttpRequest request, string resourceType, IReadOnlyList<Resource> matches, int count, int offset)
    {
        var root = FhirPaths.AbsoluteBase(request);
        // The link prefix (base, type and the request's own parameters) is the same for self, next and previous: built once.
        var prefix = LinkPrefix(request, root, resourceType);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = matches.Count };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = PageUrl(prefix, count, offset) });
        if (offset + count < matches.Count && count > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = PageUrl(prefix, count, offset + count) });
        if (offset > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = PageUrl(prefix, count, Math.Max(0, offset - count)) });
        var end = Math.Min(matches.Count, offset + count);
        for (var i = offset; i < end; i++)
        {
            var resource = matches[i];
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = string.Concat(root, "/", resource.TypeName, "/", resource.Id),
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }

    /// <summary>
    /// <c>{root}/{type}?</c> plus the request's own parameters (minus paging) in name order, each name and value
    /// URL-encoded as <see cref="Microsoft.AspNetCore.WebUtilities.QueryHelpers"/> does.
    /// </summary>
    private static string LinkPrefix(HttpRequest request, string root, string resourceType)
    {
        var url = new StringBuilder(root.Length + 96).Append(root).Append('/').Append(resourceType).Append('?');
        var query = request.Query;
        if (query.Count > 0)
        {
            var names = new string[query.Count];
            var n = 0;
            foreach (var name in query.Keys)
                if (name is not ("_count" or "_offset")) names[n++] = name;
            Array.Sort(names, 0, n, StringComparer.Ordinal);
            for (var i = 0; i < n; i++)
            {
                var encodedName = UrlEncoder.Default.Encode(names[i]);
                foreach (var value in query[names[i]])
                    url.Append(encodedName).Append('=').Append(UrlEncoder.Default.Encode(value ?? "")).Append('&');
            }
        }
        return url.ToString();
    }

    private static string PageUrl(string prefix, int count, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}_count={count}&_offset={offset}");
}
