using System.Security.Claims;
using System.Security.Cryptography;
using HealthGateway.Gateway.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Tests.Auth;

public sealed class CachingTokenHandlerTests : IDisposable
{
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "k1" };
    private readonly CachingTokenHandler _handler = new(capacity: 100, TimeProvider.System);

    private TokenValidationParameters Parameters => new()
    {
        ValidIssuer = "iss",
        ValidAudience = "aud",
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.Zero,
        TryAllIssuerSigningKeys = false,
    };

    private string Token(TimeSpan lifetime, string subject = "p-1") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "iss",
        Audience = "aud",
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", "patient")]),
        NotBefore = DateTime.UtcNow.AddSeconds(-1),
        IssuedAt = DateTime.UtcNow.AddSeconds(-1),
        Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
    });

    [Fact]
    public async Task A_cached_token_validates_again_and_shares_one_identity_that_refuses_changes()
    {
        var token = Token(TimeSpan.FromMinutes(5));
        var first = await _handler.ValidateTokenAsync(token, Parameters);
        var second = await _handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        var identity = Assert.IsType<VerifiedIdentity>(second.ClaimsIdentity);
        Assert.Same(first.ClaimsIdentity, identity);
        Assert.Equal(new Caller("patient", "p-1"), identity.Caller);
        Assert.Equal(identity.Caller, Caller.From(new ClaimsPrincipal(identity)));

        // One request cannot change what the next one with the same token sees.
        Assert.Throws<InvalidOperationException>(() => identity.AddClaim(new Claim("role", "admin")));
        Assert.Throws<InvalidOperationException>(() => identity.AddClaims([new Claim("scope", "ops.write")]));
        Assert.Throws<InvalidOperationException>(() => identity.TryRemoveClaim(identity.FindFirst("sub")));
        Assert.Throws<InvalidOperationException>(() => identity.RemoveClaim(identity.FindFirst("sub")));
        Assert.Single(identity.FindAll("role"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public async Task A_scope_sent_as_an_array_is_dropped_cached_or_not(int capacity)
    {
        using var handler = new CachingTokenHandler(capacity, TimeProvider.System);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "iss",
            Audience = "aud",
            Claims = new Dictionary<string, object> { ["sub"] = "partner-1", ["role"] = "partner", ["scope"] = new[] { "appointments.read" } },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });

        for (var i = 0; i < 2; i++)
        {
            var result = await handler.ValidateTokenAsync(token, Parameters);
            Assert.True(result.IsValid);
            Assert.Empty(result.ClaimsIdentity.FindAll("scope"));
            Assert.Equal("partner-1", result.ClaimsIdentity.FindFirst("sub")?.Value);
        }
    }

    [Fact]
    public async Task A_scope_sent_as_a_string_is_kept()
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "iss",
            Audience = "aud",
            Claims = new Dictionary<string, object> { ["sub"] = "partner-1", ["role"] = "partner", ["scope"] = "appointments.read invoices.read" },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });

        var result = await _handler.ValidateTokenAsync(token, Parameters);
        Assert.Equal("appointments.read invoices.read", Assert.Single(result.ClaimsIdentity.FindAll("scope")).Value);
    }

    [Theory]
    [InlineData(3_000)] // past the key's stack buffer: hashed from a pooled one
    [InlineData(9_000)] // past the cacheable length: validated every time
    public async Task A_long_token_validates_and_a_tampered_one_does_not(int padding)
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "iss",
            Audience = "aud",
            Claims = new Dictionary<string, object> { ["sub"] = "p-1", ["role"] = "patient", ["pad"] = new string('x', padding) },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });

        var first = await _handler.ValidateTokenAsync(token, Parameters);
        var second = await _handler.ValidateTokenAsync(token, Parameters);
        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(padding < 8 * 1024, ReferenceEquals(first.ClaimsIdentity, second.ClaimsIdentity)); // cached only below the cap
        Assert.IsType<VerifiedIdentity>(second.ClaimsIdentity);

        var parts = token.Split('.');
        var tampered = $"{parts[0]}.{parts[1][..^4]}AAAA.{parts[2]}";
        Assert.False((await _handler.ValidateTokenAsync(tampered, Parameters)).IsValid);
    }

    [Fact]
    public async Task A_tampered_token_is_not_mistaken_for_a_cached_one()
    {
        var token = Token(TimeSpan.FromMinutes(5));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);

        var parts = token.Split('.');
        var otherSubject = Token(TimeSpan.FromMinutes(5), subject: "p-2").Split('.')[1];
        var forged = $"{parts[0]}.{otherSubject}.{parts[2]}"; // p-2's claims under p-1's signature

        Assert.False((await _handler.ValidateTokenAsync(forged, Parameters)).IsValid);
    }

    [Fact]
    public async Task The_cache_never_extends_a_token_past_its_expiry()
    {
        var token = Token(TimeSpan.FromSeconds(2));
        Assert.True((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);
        var expiry = new JsonWebToken(token).ValidTo;

        // Wait for the clock, not for a guess: poll until the token's exp has passed.
        while (DateTime.UtcNow <= expiry) await Task.Delay(50);

        Assert.False((await _handler.ValidateTokenAsync(token, Parameters)).IsValid);
    }

    [Fact]
    public async Task With_the_cache_disabled_tokens_are_still_validated()
    {
        using var uncached = new CachingTokenHandler(capacity: 0, TimeProvider.System);
        Assert.True((await uncached.ValidateTokenAsync(Token(TimeSpan.FromMinutes(1)), Parameters)).IsValid);
        Assert.False((await uncached.ValidateTokenAsync(Token(TimeSpan.FromMinutes(1)) + "x", Parameters)).IsValid);
    }

    public void Dispose() => _handler.Dispose();
}
