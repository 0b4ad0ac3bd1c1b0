using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Transport;

/// <summary>
/// Puts <see cref="CappedRequestBody"/> in front of every request body, so the body cap answers 413 whether the
/// body comes with <c>Content-Length</c>, chunked, or without <c>Expect: 100-continue</c>. Kestrel's per-request
/// limit is raised to the cap plus the discard bound: it stays the outer bound, and never fires first.
/// </summary>
public sealed class RequestBodyCap(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var size = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (size is null || size.IsReadOnly || !hasBody || request.Headers.Upgrade.Count > 0)
            return next(http);

        var limits = options.Value;
        size.MaxRequestBodySize = limits.MaxRequestBodyBytes + limits.MaxDiscardedBodyBytes + 1;
        request.Body = new CappedRequestBody(request.Body, http, limits);
        return next(http);
    }
}

public static class RequestBodyCapExtensions
{
    public static IApplicationBuilder UseRequestBodyCap(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyCap>();
}
