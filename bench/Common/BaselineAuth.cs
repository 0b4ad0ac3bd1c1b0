using HealthGateway.Gateway.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

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
            jwt.TokenValidationParameters = PinnedTokenValidation.Create(options, key);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Patient, p => p.RequireRole(Roles.Patient).RequireClaim("sub"))
            .AddPolicy(Roles.Unit, p => p.RequireRole(Roles.Unit).RequireClaim("sub"));
        return services;
    }
}
