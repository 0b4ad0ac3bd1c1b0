using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HealthGateway.Gateway.Transport;

/// <summary>
/// The gateway's defaults for Kestrel's connection and slow-client limits. They are set first and
/// the standard <c>Kestrel:Limits</c> section is bound over them, so every key there wins
/// (e.g. <c>Kestrel:Limits:MaxConcurrentConnections</c>, <c>Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond</c>).
/// </summary>
public static class KestrelLimitDefaults
{
    public const string Section = "Kestrel:Limits";

    /// <summary>
    /// Plain HTTP connections. Upgraded sockets stop counting here and count in
    /// <see cref="MaxConcurrentUpgradedConnections"/>; both together stay under the 20,000 file
    /// descriptors one process may open, with room for SQLite and cluster sockets.
    /// </summary>
    public const long MaxConcurrentConnections = 10_000;

    /// <summary>WebSockets (units and patient event streams) held open at once.</summary>
    public const long MaxConcurrentUpgradedConnections = 8_000;

    /// <summary>A client must finish its request line and headers within this (slow-loris).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// An idle connection, including a new one that never sends a byte, is closed after this
    /// (Kestrel's own default is 130 s: too long to let a client park sockets).
    /// </summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Request line + headers; a JWT is about 1 KB, so 32 KB is generous.</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;

    public const int MaxRequestLineSize = 8 * 1024;

    /// <summary>A body arriving slower than this (after the grace period) aborts the request.</summary>
    public static readonly MinDataRate MinRequestBodyDataRate = new(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

    public static void Apply(KestrelServerLimits limits, IConfiguration configuration)
    {
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = MaxConcurrentUpgradedConnections;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = MaxRequestLineSize;
        // Null so that the binder builds a configured rate through MinDataRate's constructor (its properties are read-only).
        limits.MinRequestBodyDataRate = null;
        // Bound here as well as by the host's defaults: the values above must not override what is configured.
        configuration.GetSection(Section).Bind(limits);
        limits.MinRequestBodyDataRate ??= MinRequestBodyDataRate;
    }
}
