using System.Net;
using HealthGateway.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;

namespace HealthGateway.Gateway.Telemetry;

/// <summary>
/// The <c>/metrics</c> rule: a scraper on an allowed network (loopback by default) needs no token; anyone
/// else needs an admin token (401 without a token, 403 with another role). Metrics carry no patient data,
/// but they do describe the platform's load and units, so they are not public.
/// </summary>
internal static class MetricsAccess
{
    public const string Policy = "metrics-scrape";

    public static void AddPolicy(AuthorizationOptions authorization, TelemetryOptions.PrometheusOptions options)
    {
        var networks = options.ParsedNetworks();
        authorization.AddPolicy(Policy, policy => policy.RequireAssertion(context =>
            context.User.IsInRole(Roles.Admin)
            || (context.Resource is HttpContext http && IsAllowed(http.Connection.RemoteIpAddress, options.AllowLoopback, networks))));
    }

    internal static bool IsAllowed(IPAddress? remote, bool allowLoopback, IPNetwork[] networks)
    {
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        if (allowLoopback && IPAddress.IsLoopback(remote)) return true;
        foreach (var network in networks)
            if (network.Contains(remote)) return true;
        return false;
    }
}
