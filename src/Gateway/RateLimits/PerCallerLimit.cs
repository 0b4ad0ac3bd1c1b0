namespace HealthGateway.Gateway.RateLimits;

/// <summary>Endpoint metadata: requests to this endpoint count against the caller's limit (<see cref="PerCallerLimiter"/>).</summary>
public sealed class PerCallerLimit
{
    public static readonly PerCallerLimit Instance = new();

    private PerCallerLimit()
    {
    }
}
