namespace HealthGateway.UnitNode.Options;

/// <summary>Configuration section <c>Gateway</c>: where and how the unit connects.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Path of the unit endpoint, appended to each gateway address.</summary>
    public const string UnitsPath = "/ws/units";

    /// <summary>Base URL of the gateway, e.g. <c>wss://gateway.example</c> or <c>ws://127.0.0.1:5080</c>. With
    /// <see cref="Urls"/> too, this one is tried first.</summary>
    public string Url { get; set; } = "";

    /// <summary>
    /// Several gateway nodes of one cluster, tried in this order: the unit stays on the first that welcomes it and
    /// moves to the next on a connect failure, a refused upgrade, a close or a dead peer.
    /// </summary>
    public string[] Urls { get; set; } = [];

    /// <summary>The longest retry hint (HTTP <c>Retry-After</c>, <c>retryAfterMs</c>) the unit obeys; a larger one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The unit's JWT. Either this or <see cref="TokenFile"/>.</summary>
    public string? Token { get; set; }

    /// <summary>File holding the JWT; read again on every connect so a rotated token is picked up.</summary>
    public string? TokenFile { get; set; }

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allows plain <c>ws://</c> to a non-loopback host. Off by default: patient data must not cross a network unencrypted.</summary>
    public bool AllowInsecureTransport { get; set; }

    /// <summary>
    /// Pins of the gateway's public key: base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo (the HPKP
    /// format). With pins, the gateway certificate must match one of them (a self-signed one is then accepted; the
    /// host name must still match); without, the usual chain validation applies. Several pins allow key rotation.
    /// Only with <c>wss://</c>.
    /// </summary>
    public string[] PinnedCertificateSha256 { get; set; } = [];

    /// <summary>WebSocket PING interval; with <see cref="KeepAliveTimeout"/> it detects a dead peer behind NAT.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(45);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan WelcomeTimeout { get; set; } = TimeSpan.FromSeconds(30); // above the gateway's attach timeout (15 s)

    /// <summary>A connection that lasted this long counts as healthy and resets the backoff.</summary>
    public TimeSpan StableConnectionAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests handled at once; beyond that the unit stops reading and TCP pushes back.</summary>
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>Unacknowledged event batches in flight to the gateway.</summary>
    public int MaxBatchesInFlight { get; set; } = 4;

    /// <summary>How often the outbox is re-checked even without a signal (safety net only).</summary>
    public TimeSpan OutboxRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="Url"/> then <see cref="Urls"/>, blanks and repeats left out, in the order they are tried.</summary>
    public IReadOnlyList<string> GatewayUrls =>
        [.. new[] { Url }.Concat(Urls).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim().TrimEnd('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The unit endpoint of every gateway address, in the order they are tried.</summary>
    public IReadOnlyList<Uri> UnitsEndpoints => [.. GatewayUrls.Select(EndpointOf)];

    public static Uri EndpointOf(string gatewayUrl) => new(gatewayUrl.TrimEnd('/') + UnitsPath);
}
