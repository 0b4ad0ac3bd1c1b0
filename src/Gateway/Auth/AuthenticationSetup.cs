using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

public static class AuthenticationSetup
{
    /// <summary>
    /// JWT bearer with everything pinned: algorithms, issuer, audience, lifetime, clock skew,
    /// signed tokens only. Claims keep their JWT names (<c>sub</c>, <c>role</c>).
    /// </summary>
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        services.AddSingleton(options);

        SecurityKey? devKey = null;
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            if (!environment.IsDevelopment() && !options.AllowDevKey)
                throw new InvalidOperationException(
                    "Auth:Authority is not set. Outside Development the gateway needs an external token issuer; " +
                    "set Auth:AllowDevKey=true only for demos and tests.");
            devKey = DevSigningKey.LoadOrCreate(options.DevSigningKeyPath ?? DevSigningKey.DefaultPath(gateway.DataDirectory));
            services.AddSingleton(new TokenIssuer(devKey, options));
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new CachingTokenHandler(options.TokenCacheSize, TimeProvider.System) { MapInboundClaims = false });
            jwt.IncludeErrorDetails = false; // don't tell an attacker which check failed
            if (devKey is null)
            {
                jwt.Authority = options.Authority;
                jwt.RequireHttpsMetadata = true;
            }
            jwt.TokenValidationParameters = PinnedTokenValidation.Create(options, devKey);
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    // One role per token: a token that is both "patient" and "unit" would pass both policies.
                    var roles = context.Principal!.FindAll("role").Count();
                    if (roles != 1) context.Fail("a token must carry exactly one role");
                    else if (LifetimeOf(context.SecurityToken) > options.MaxTokenLifetime) context.Fail("token lifetime exceeds the maximum");
                    else DropNonStringScope(context.SecurityToken, context.Principal!);
                    return Task.CompletedTask;
                },
            };
        });

        return services.AddGatewayAuthorization();
    }

    /// <summary>
    /// <c>scope</c> is one space-separated string. Sent as a JSON array (even of one element) it is ignored:
    /// the caller then holds no scope at all, rather than whatever a lenient parser makes of it.
    /// </summary>
    private static void DropNonStringScope(SecurityToken token, System.Security.Claims.ClaimsPrincipal principal)
    {
        if (token is not Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt || !jwt.TryGetPayloadValue<object>("scope", out var raw) || raw is string)
            return;
        foreach (var identity in principal.Identities)
            foreach (var claim in identity.FindAll("scope").ToList())
                identity.TryRemoveClaim(claim);
    }

    private static TimeSpan LifetimeOf(SecurityToken token)
    {
        var start = token is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue
            ? iat
            : token.ValidFrom;
        return token.ValidTo - start;
    }

    private static IServiceCollection AddGatewayAuthorization(this IServiceCollection services)
    {
        services.AddOptions<AccessGrantOptions>()
            .Configure<IConfiguration>((grants, configuration) =>
            {
                configuration.GetSection(AccessGrantOptions.PartnersSection).Bind(grants.Partners);
                configuration.GetSection(AccessGrantOptions.AdminsSection).Bind(grants.Admins);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessGrantOptions>, AccessGrantOptionsValidator>();
        services.AddSingleton<PatientAccessPolicy>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Patient, p => p.RequireRole(Roles.Patient).RequireClaim("sub"))
            .AddPolicy(Policies.Caller, p => p.RequireAuthenticatedUser().RequireClaim("sub"))
            .AddPolicy(Policies.Unit, p => p.RequireRole(Roles.Unit).RequireClaim("sub"))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }
}
