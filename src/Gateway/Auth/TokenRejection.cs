namespace HealthGateway.Gateway.Auth;

/// <summary>
/// Why a bearer token was refused: a short <see cref="Reason"/> (logged) and the sentence the caller reads in
/// <c>WWW-Authenticate</c>'s <c>error_description</c> and in the problem's <c>detail</c>. It names the check that
/// failed, never a key or anything from the token. Kept per request as an HttpContext feature from authentication
/// to the 401 answer. Descriptions hold no <c>"</c> or <c>\</c> (RFC 6750 section 3).
/// </summary>
public sealed record TokenRejection(string Reason, string Description)
{
    public static readonly TokenRejection Missing = new("missing", "No bearer token was sent (Authorization: Bearer <token>).");
    public static readonly TokenRejection Malformed = new("malformed", "The bearer token is not a well-formed JWT.");
    public static readonly TokenRejection Algorithm = new("algorithm", "The bearer token is signed with an algorithm the gateway does not accept.");
    public static readonly TokenRejection Signature = new("signature", "The bearer token's signature does not verify with a key of the gateway's token issuer.");
    public static readonly TokenRejection Issuer = new("issuer", "The bearer token comes from an issuer the gateway does not trust.");
    public static readonly TokenRejection Audience = new("audience", "The bearer token is meant for another audience.");
    public static readonly TokenRejection Expired = new("expired", "The bearer token has expired.");
    public static readonly TokenRejection NotYetValid = new("not-yet-valid", "The bearer token is not valid yet (its nbf is in the future).");
    public static readonly TokenRejection NoLifetime = new("lifetime", "The bearer token has no valid lifetime (exp missing, or nbf after exp).");
    public static readonly TokenRejection LifetimeTooLong = new("lifetime-too-long", "The bearer token lives longer than the gateway allows (exp - iat).");
    public static readonly TokenRejection TokenType = new("type", "The bearer token's typ is not JWT or at+jwt.");
    public static readonly TokenRejection Identity = new("identity", "The bearer token must name a subject (sub) and carry exactly one role.");
    public static readonly TokenRejection Unverifiable = new("unverifiable", "The bearer token could not be validated.");

    /// <summary>The RFC 6750 challenge for this rejection; a missing token gets a bare <c>Bearer</c> (no error code).</summary>
    public string Challenge => ReferenceEquals(this, Missing) ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{Description}\"";
}
