using Microsoft.AspNetCore.HttpsPolicy;

namespace HealthGateway.Gateway.Transport;

/// <summary>
/// HTTPS is configured the standard Kestrel way (<c>Kestrel:Endpoints:Https:Url</c> with
/// <c>Certificate:Path</c>/<c>KeyPath</c>/<c>Password</c>). Outside Development the gateway adds HSTS to
/// HTTPS responses and, when an HTTPS endpoint is configured, redirects plain HTTP to it.
/// </summary>
public static class TransportSecurity
{
    /// <summary>HSTS settings (<c>Hsts:MaxAge</c>, <c>Hsts:IncludeSubDomains</c>, <c>Hsts:Preload</c>).</summary>
    public const string HstsSection = "Hsts";

    public static readonly TimeSpan DefaultHstsMaxAge = TimeSpan.FromDays(365);

    public static IServiceCollection AddGatewayTransportSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHsts(hsts => hsts.MaxAge = DefaultHstsMaxAge);
        services.Configure<HstsOptions>(configuration.GetSection(HstsSection));
        return services;
    }

    public static WebApplication UseGatewayTransportSecurity(this WebApplication app)
    {
        // Development stays on plain HTTP without a browser remembering HSTS for localhost.
        if (app.Environment.IsDevelopment()) return app;
        app.UseHsts(); // only ever written on HTTPS responses
        // Without an HTTPS endpoint (TLS ends at a proxy) a redirect has nowhere to go.
        if (HasHttpsEndpoint(app.Configuration)) app.UseHttpsRedirection();
        return app;
    }

    /// <summary>True when Kestrel will listen on HTTPS: an https endpoint, an https URL or an HTTPS port.</summary>
    public static bool HasHttpsEndpoint(IConfiguration configuration)
    {
        var endpointUrls = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]);
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return endpointUrls.Concat(urls).Any(IsHttps)
               || !string.IsNullOrWhiteSpace(configuration["https_ports"])
               || !string.IsNullOrWhiteSpace(configuration["https_port"]);
    }

    private static bool IsHttps(string? url) => url?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
}
