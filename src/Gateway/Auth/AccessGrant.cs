namespace HealthGateway.Gateway.Auth;

/// <summary>What one partner client (or admin) is granted: scope names and the units whose patients it may reach.</summary>
public sealed class AccessGrant
{
    public string[] Scopes { get; set; } = [];
    public string[] Units { get; set; } = [];
}
