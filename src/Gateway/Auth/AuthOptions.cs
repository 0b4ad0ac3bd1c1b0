using System.ComponentModel.DataAnnotations;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// Configuration section <c>Auth</c>. With no <see cref="Authority"/> the gateway signs and
/// validates with a dev ES256 key generated in the data directory on first run; production sets
/// <see cref="Authority"/> (an OpenID Connect issuer whose JWKS is fetched) instead.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required] public string Issuer { get; set; } = "https://healthgateway.local/dev";
    [Required] public string Audience { get; set; } = "healthgateway-api";

    /// <summary>Tolerance for clock drift on exp/nbf. Explicit, never the 5-minute library default.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Production: the token issuer's base URL; its discovery document names the JWKS.</summary>
    public string? Authority { get; set; }

    /// <summary>Algorithms accepted. Anything else (none, HS256, RS256 with our key...) is refused.</summary>
    public string[] Algorithms { get; set; } = ["ES256"];

    /// <summary>
    /// The dev key is used only in the Development environment unless this is set: a production
    /// gateway without <see cref="Authority"/> refuses to start rather than sign its own tokens.
    /// </summary>
    public bool AllowDevKey { get; set; }

    /// <summary>Tokens valid for longer than this (exp - iat, or exp - nbf) are refused.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Verified tokens remembered (by hash, until their exp) to skip the signature check; 0 disables.</summary>
    [Range(0, 10_000_000)] public int TokenCacheSize { get; set; } = 100_000;

    /// <summary>Dev key file; defaults to <c>{Gateway:DataDirectory}/dev-signing-key.pem</c>.</summary>
    public string? DevSigningKeyPath { get; set; }
}
