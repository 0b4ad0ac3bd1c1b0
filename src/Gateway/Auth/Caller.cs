using System.Security.Claims;

namespace HealthGateway.Gateway.Auth;

/// <summary>Who is calling, as the audit trail and the access policy name it: role + subject, or anonymous.</summary>
public sealed record Caller(string Role, string Subject)
{
    public const string AnonymousRole = "anonymous";

    public static readonly Caller Anonymous = new(AnonymousRole, "");

    public bool IsAuthenticated => Role != AnonymousRole;

    /// <summary>How a write records who asked for it (<c>role:sub</c>); the operation endpoint compares against it.</summary>
    public string RequestedBy => $"{Role}:{Subject}";

    public static Caller From(ClaimsPrincipal user) => user.Identity switch
    {
        VerifiedIdentity verified => verified.Caller, // read once per token, not per request
        ClaimsIdentity identity => FromClaims(identity),
        _ => Anonymous,
    };

    public static Caller FromClaims(ClaimsIdentity identity)
    {
        if (!identity.IsAuthenticated) return Anonymous;
        var role = identity.FindFirst("role")?.Value;
        var subject = identity.FindFirst("sub")?.Value;
        return string.IsNullOrEmpty(role) || string.IsNullOrEmpty(subject) ? Anonymous : new Caller(role, subject);
    }
}
