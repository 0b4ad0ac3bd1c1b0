using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// JWT validation with a bounded cache of tokens already verified, keyed by a SHA-256 of the token
/// (as Envoy's jwt_authn does): an ES256 signature check costs ~90 us of CPU per request, a hash ~1 us.
/// An entry lives until the token's <c>exp</c> at the latest (no clock-skew grace from the cache), only
/// valid tokens are cached, and every hit gets its own copy of the identity. Key rotation: a token signed
/// by a retired key stays accepted until its <c>exp</c>, as it would be without the cache.
/// </summary>
public sealed class CachingTokenHandler(int capacity, TimeProvider time) : JsonWebTokenHandler, IDisposable
{
    /// <summary>Longer tokens are validated every time (they are not what our clients send).</summary>
    private const int MaxCachedTokenLength = 8 * 1024;

    private static readonly TimeSpan MaxEntryLifetime = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (capacity <= 0 || token.Length > MaxCachedTokenLength)
            return await base.ValidateTokenAsync(token, validationParameters);

        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out Verified? hit) && hit!.ValidTo > now)
            return hit.Copy();

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && result.ClaimsIdentity is not null)
        {
            var validTo = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            var until = validTo < now + MaxEntryLifetime ? validTo : now + MaxEntryLifetime;
            if (until > now)
                _cache.Set(key, new Verified(result, validTo), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
        }
        return result;
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Verified(TokenValidationResult Result, DateTimeOffset ValidTo)
    {
        public TokenValidationResult Copy() => new()
        {
            IsValid = true,
            SecurityToken = Result.SecurityToken,
            ClaimsIdentity = Result.ClaimsIdentity.Clone(),
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
        };
    }
}
