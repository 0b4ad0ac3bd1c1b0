using System.Buffers;
using System.Runtime.InteropServices;
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
/// valid tokens are cached, and every hit shares the token's <see cref="VerifiedIdentity"/>, which refuses
/// changes. Key rotation: a token signed by a retired key stays accepted until its <c>exp</c>, as it would be
/// without the cache.
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
            return Final(await base.ValidateTokenAsync(token, validationParameters));

        var key = TokenHash.Of(token);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out Verified? hit) && hit!.ValidTo > now)
            return hit.Result();

        var result = Final(await base.ValidateTokenAsync(token, validationParameters));
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt, ClaimsIdentity: VerifiedIdentity identity })
        {
            var validTo = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            var until = validTo < now + MaxEntryLifetime ? validTo : now + MaxEntryLifetime;
            if (until > now)
                _cache.Set(key, new Verified(jwt, identity, result.Issuer, result.TokenType, validTo), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
        }
        return result;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>A valid result carries the token's final identity, cached or not, so every request sees the same kind.</summary>
    private static TokenValidationResult Final(TokenValidationResult result)
    {
        if (result is { IsValid: true, SecurityToken: JsonWebToken jwt, ClaimsIdentity: { } identity and not VerifiedIdentity })
            result.ClaimsIdentity = VerifiedIdentity.From(jwt, identity);
        return result;
    }

    private sealed record Verified(JsonWebToken Token, VerifiedIdentity Identity, string Issuer, string TokenType, DateTimeOffset ValidTo)
    {
        // A new result per request (the handler may set its properties); the token and identity are shared, read-only.
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity,
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes as a value: no string or array per request.</summary>
    private readonly record struct TokenHash(UInt128 First, UInt128 Second)
    {
        private const int StackBytes = 2048;

        public static TokenHash Of(string token)
        {
            // Exact count (a token is ASCII, so bytes = chars): the worst case (3 bytes a char) would push every
            // ordinary token past the stack buffer.
            var length = Encoding.UTF8.GetByteCount(token);
            byte[]? rented = null;
            var utf8 = length <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(token, utf8)], hash);
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            return new TokenHash(MemoryMarshal.Read<UInt128>(hash), MemoryMarshal.Read<UInt128>(hash[16..]));
        }
    }
}
