using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// The token checks, pinned: algorithms, issuer, audience, lifetime, clock skew, signed tokens only, the kid
/// naming one of our keys. One definition, used by the gateway and by the benchmark baselines ("the same JWT
/// validation"), so the two cannot drift apart.
/// </summary>
public static class PinnedTokenValidation
{
    public static TokenValidationParameters Create(AuthOptions options, SecurityKey? signingKey) => new()
    {
        ValidAlgorithms = options.Algorithms,
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        ValidateAudience = true,
        ValidAudience = options.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        ValidateIssuerSigningKey = true,
        // The token's kid must name one of our keys; no trying every key, no lookup of odd kids.
        TryAllIssuerSigningKeys = false,
        IssuerSigningKey = signingKey, // null: the authority's keys (JWKS)
        NameClaimType = "sub",
        RoleClaimType = "role",
        ValidTypes = ["JWT", "at+jwt"],
    };
}
