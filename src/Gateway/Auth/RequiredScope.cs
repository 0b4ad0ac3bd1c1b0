namespace HealthGateway.Gateway.Auth;

/// <summary>Endpoint metadata: the scope a partner (or granted admin) needs. Without it, an endpoint is for patients only.</summary>
public sealed record RequiredScope(string Scope);

public static class RequiredScopeExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!Scopes.All.Contains(scope)) throw new ArgumentException($"unknown scope '{scope}'", nameof(scope));
        return builder.WithMetadata(new RequiredScope(scope));
    }
}
