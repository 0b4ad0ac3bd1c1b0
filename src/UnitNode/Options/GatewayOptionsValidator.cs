using System.Net;
using HealthGateway.UnitNode.Connection;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Options;

internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        ValidateUrls(options, failures);

        ValidatePins(options, failures);

        var hasToken = !string.IsNullOrWhiteSpace(options.Token);
        var hasTokenFile = !string.IsNullOrWhiteSpace(options.TokenFile);
        if (!hasToken && !hasTokenFile)
            failures.Add("Gateway:Token or Gateway:TokenFile is required (the unit's JWT).");
        else if (hasToken && hasTokenFile)
            failures.Add("Set only one of Gateway:Token and Gateway:TokenFile.");
        else if (hasTokenFile && !File.Exists(options.TokenFile))
            failures.Add($"Gateway:TokenFile '{options.TokenFile}' does not exist.");

        if (options.ReconnectMinDelay <= TimeSpan.Zero)
            failures.Add("Gateway:ReconnectMinDelay must be positive.");
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
            failures.Add("Gateway:ReconnectMaxDelay must be >= Gateway:ReconnectMinDelay.");
        if (options.KeepAliveInterval <= TimeSpan.Zero || options.KeepAliveTimeout <= TimeSpan.Zero)
            failures.Add("Gateway:KeepAliveInterval and Gateway:KeepAliveTimeout must be positive.");
        if (options.ConnectTimeout <= TimeSpan.Zero || options.WelcomeTimeout <= TimeSpan.Zero)
            failures.Add("Gateway:ConnectTimeout and Gateway:WelcomeTimeout must be positive.");
        if (options.MaxConcurrentRequests < 1 || options.MaxBatchesInFlight < 1)
            failures.Add("Gateway:MaxConcurrentRequests and Gateway:MaxBatchesInFlight must be >= 1.");
        if (options.MaxRetryAfter <= TimeSpan.Zero)
            failures.Add("Gateway:MaxRetryAfter must be positive.");
        if (options.OutboxRecheckInterval <= TimeSpan.Zero)
            failures.Add("Gateway:OutboxRecheckInterval must be positive.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateUrls(GatewayOptions options, List<string> failures)
    {
        var urls = options.GatewayUrls;
        if (urls.Count == 0)
        {
            failures.Add("Gateway:Url or Gateway:Urls is required (e.g. wss://gateway.example or ws://127.0.0.1:5080; "
                         + "several nodes: Gateway:Urls:0, Gateway:Urls:1, ... or Gateway__Urls=\"wss://a;wss://b\").");
            return;
        }
        foreach (var url in urls) ValidateUrl(url, options, failures);
    }

    private static void ValidateUrl(string url, GatewayOptions options, List<string> failures)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            failures.Add($"Gateway address '{url}' (Gateway:Url, Gateway:Urls) must be an absolute ws:// or wss:// URL.");
            return;
        }
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            failures.Add($"Gateway address '{url}' must not carry a query or fragment.");
        if (uri.Scheme == "ws" && !IsLoopback(uri) && !options.AllowInsecureTransport)
            failures.Add($"Gateway address '{url}' uses unencrypted ws:// to a non-loopback host; use wss:// "
                         + "(or set Gateway:AllowInsecureTransport=true for a lab network).");
    }

    private static void ValidatePins(GatewayOptions options, List<string> failures)
    {
        if (options.PinnedCertificateSha256.Length == 0) return;
        foreach (var url in options.GatewayUrls)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme != "wss")
                failures.Add($"Gateway:PinnedCertificateSha256 needs a wss:// address for every gateway (there is no certificate to pin on '{url}').");
        }
        foreach (var pin in options.PinnedCertificateSha256)
        {
            if (!CertificatePins.TryParse(pin, out _))
                failures.Add($"Gateway:PinnedCertificateSha256 '{pin}' is not a base64 SHA-256 (44 characters) of the gateway's "
                             + "SubjectPublicKeyInfo, e.g. from: openssl x509 -in gateway.crt -pubkey -noout | "
                             + "openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
