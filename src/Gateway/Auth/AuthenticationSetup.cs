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

        services.AddSingleton<GatewayJwtBearerEvents>();
        services.AddTokenProblemDetails();
        // GatewayJwtBearerEvents logs each refused token as one line; the handler's own lines (one with the
        // validation exception and its stack trace, at Information) would repeat it.
        services.AddLogging(logging => logging.AddFilter(typeof(JwtBearerHandler).FullName, LogLevel.Warning));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new CachingTokenHandler(options.TokenCacheSize, TimeProvider.System) { MapInboundClaims = false });
            // Which check failed is said in our own words (GatewayJwtBearerEvents), never with the library's
            // messages, which can quote the token.
            jwt.IncludeErrorDetails = false;
            if (devKey is null)
            {
                jwt.Authority = options.Authority;
                jwt.RequireHttpsMetadata = true;
            }
            jwt.TokenValidationParameters = PinnedTokenValidation.Create(options, devKey);
            jwt.EventsType = typeof(GatewayJwtBearerEvents);
        });

        return services.AddGatewayAuthorization();
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
