using Microsoft.Net.Http.Headers;

namespace HealthGateway.Gateway.Dashboard;

public static class DashboardEndpoints
{
    /// <summary>
    /// Only this gateway may supply scripts, styles and data; the page may not be framed; nothing inline.
    /// The admin token travels in an Authorization header from script, so the page itself holds no secret.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// <c>GET /ops</c>: the live ops dashboard (static page; its data comes from the admin-only ops API).
    /// The files are public; every call the page makes needs an admin token.
    /// </summary>
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var assets = DashboardAssets.Load();
        var group = app.MapGroup("/ops").AllowAnonymous().WithTags("Dashboard").ExcludeFromDescription();
        group.MapGet("/", (HttpContext http) => Serve(http, assets.Find("index.html")));
        group.MapGet("/{file:regex(^[a-z0-9-]+\\.(css|js|svg)$)}", (string file, HttpContext http) => Serve(http, assets.Find(file)));
        return group;
    }

    private static IResult Serve(HttpContext http, DashboardAsset? asset)
    {
        if (asset is null) return Results.NotFound();
        var headers = http.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time (cheap with the ETag) so an upgraded gateway never runs an old script.
        headers[HeaderNames.CacheControl] = "no-cache";
        headers[HeaderNames.ETag] = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
