using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>Mints dev tokens with the dev key (the <c>mint-token</c> command and tests).</summary>
public sealed class TokenIssuer(SecurityKey signingKey, AuthOptions options)
{
    public string Mint(string role, string subject, TimeSpan lifetime, IEnumerable<string>? scopes = null, DateTime? notBefore = null)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"unknown role '{role}'", nameof(role));
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", subject), new("role", role) };
        var scope = string.Join(' ', scopes ?? []);
        if (scope.Length > 0) claims.Add(new Claim("scope", scope));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = notBefore ?? now,
            Expires = (notBefore ?? now) + lifetime,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
