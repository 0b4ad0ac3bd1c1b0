using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;

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
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = matches.Count };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = PageUrl(request, root, resourceType, count, offset) });
        if (offset + count < matches.Count && count > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = PageUrl(request, root, resourceType, count, offset + count) });
        if (offset > 0)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = PageUrl(request, root, resourceType, count, Math.Max(0, offset - count)) });
        foreach (var resource in matches.Skip(offset).Take(count))
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{root}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }

    /// <summary>The request's own parameters (minus paging) plus this page's <c>_count</c> and <c>_offset</c>.</summary>
    private static string PageUrl(HttpRequest request, string root, string resourceType, int count, int offset)
    {
        var url = $"{root}/{resourceType}";
        foreach (var (name, values) in request.Query.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (name is "_count" or "_offset") continue;
            foreach (var value in values) url = QueryHelpers.AddQueryString(url, name, value ?? "");
        }
        url = QueryHelpers.AddQueryString(url, "_count", count.ToString(CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString(url, "_offset", offset.ToString(CultureInfo.InvariantCulture));
    }
}
