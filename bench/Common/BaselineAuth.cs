using HealthGateway.Gateway.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Bench.Common;

/// <summary>
/// The gateway's JWT validation for the baselines: the same ES256 key, the same pinned parameters and
/// the same <see cref="CachingTokenHandler"/> (cache size 0 = every signature verified).
/// </summary>
public static class BaselineAuth
{
    public static IServiceCollection AddBaselineAuth(this IServiceCollection services, string keyPath, int tokenCacheSize)
    {
        var options = new AuthOptions();
        var key = DevSigningKey.LoadOrCreate(keyPath);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new CachingTokenHandler(tokenCacheSize, TimeProvider.System) { MapInboundClaims = false });
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAlgorithms = options.Algorithms,
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = options.ClockSkew,
                ValidateIssuerSigningKey = true,
                TryAllIssuerSigningKeys = false,
                IssuerSigningKey = key,
                NameClaimType = "sub",
                RoleClaimType = "role",
                ValidTypes = ["JWT", "at+jwt"],
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Patient, p => p.RequireRole(Roles.Patient).RequireClaim("sub"))
            .AddPolicy(Roles.Unit, p => p.RequireRole(Roles.Unit).RequireClaim("sub"));
        return services;
    }
}
