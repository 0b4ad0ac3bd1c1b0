using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// The identity of a verified token, final once built: the verified-token cache hands the same instance to every
/// request that presents the token (no per-request copy of its claims), so it refuses changes rather than let one
/// request alter another's. The caller (role + subject) is read once, here.
/// </summary>
public sealed class VerifiedIdentity : ClaimsIdentity
{
    private readonly bool _final;

    private VerifiedIdentity(ClaimsIdentity verified) : base(verified)
    {
        Caller = Caller.FromClaims(this);
        _final = true;
    }

    public Caller Caller { get; }

    /// <summary>
    /// The final identity of <paramref name="token"/>. <c>scope</c> must be one space-separated string: sent as a JSON
    /// array (even of one element) it is dropped, so the caller holds no scope at all rather than whatever a lenient
    /// parser makes of it.
    /// </summary>
    public static VerifiedIdentity From(JsonWebToken token, ClaimsIdentity identity)
    {
        if (token.TryGetPayloadValue<object>("scope", out var scope) && scope is not string)
            foreach (var claim in identity.FindAll("scope").ToList())
                identity.TryRemoveClaim(claim);
        return new VerifiedIdentity(identity);
    }

    public override void AddClaim(Claim claim)
    {
        ThrowIfFinal();
        base.AddClaim(claim);
    }

    public override void AddClaims(IEnumerable<Claim?> claims)
    {
        ThrowIfFinal();
        base.AddClaims(claims);
    }

    public override void RemoveClaim(Claim? claim)
    {
        ThrowIfFinal();
        base.RemoveClaim(claim);
    }

    public override bool TryRemoveClaim(Claim? claim)
    {
        ThrowIfFinal();
        return base.TryRemoveClaim(claim);
    }

    private void ThrowIfFinal()
    {
        if (_final) throw new InvalidOperationException("A verified token's identity is shared by every request that presents the token; it cannot change.");
    }
}
