using HealthGateway.Gateway.Auth;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Tests.Auth;

public sealed class TokenRejectionTests
{
    public static TheoryData<TokenRejection> All =>
    [
        TokenRejection.Missing, TokenRejection.Malformed, TokenRejection.Algorithm, TokenRejection.Signature,
        TokenRejection.Issuer, TokenRejection.Audience, TokenRejection.Expired, TokenRejection.NotYetValid,
        TokenRejection.NoLifetime, TokenRejection.LifetimeTooLong, TokenRejection.TokenType, TokenRejection.Identity,
        TokenRejection.Unverifiable,
    ];

    [Theory]
    [MemberData(nameof(All))]
    public void Every_description_is_a_valid_RFC_6750_error_description(TokenRejection rejection)
    {
        // error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ): printable ASCII without '"' and '\'.
        Assert.NotEmpty(rejection.Description);
        Assert.All(rejection.Description, c => Assert.True(c is >= ' ' and <= '~' && c != '"' && c != '\\', $"'{c}' in {rejection.Reason}"));
    }

    [Fact]
    public void A_missing_token_is_challenged_without_an_error_code() =>
        Assert.Equal("Bearer", TokenRejection.Missing.Challenge);

    [Fact]
    public void A_refused_token_is_challenged_with_invalid_token_and_the_description() =>
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"The bearer token has expired.\"", TokenRejection.Expired.Challenge);

    public static TheoryData<Exception, string> Failures => new()
    {
        { new SecurityTokenExpiredException("IDX10223"), "expired" },
        { new SecurityTokenNotYetValidException("IDX10222"), "not-yet-valid" },
        { new SecurityTokenNoExpirationException("IDX10225"), "lifetime" },
        { new SecurityTokenInvalidLifetimeException("IDX10224"), "lifetime" },
        { new SecurityTokenInvalidIssuerException("IDX10205"), "issuer" },
        { new SecurityTokenInvalidAudienceException("IDX10214"), "audience" },
        { new SecurityTokenInvalidAlgorithmException("IDX10696"), "algorithm" },
        { new SecurityTokenSignatureKeyNotFoundException("IDX10503"), "signature" },
        { new SecurityTokenInvalidSignatureException("IDX10511"), "signature" },
        { new SecurityTokenInvalidTypeException("IDX10256"), "type" },
        { new SecurityTokenMalformedException("IDX14100"), "malformed" },
        { new AggregateException(new SecurityTokenExpiredException("IDX10223")), "expired" },
        { new InvalidOperationException("IDX20803: Unable to obtain configuration"), "unverifiable" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_validation_failure_names_its_check(Exception failure, string reason) =>
        Assert.Equal(reason, TokenRejectionClassifier.Classify(failure, token: null, ["ES256"]).Reason);

    [Theory]
    [InlineData("eyJhbGciOiJub25lIn0.e30.")] // {"alg":"none"}.{}.
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")] // {"alg":"HS256"}
    public void An_unaccepted_alg_is_named_even_when_the_library_reports_a_signature_failure(string token) =>
        Assert.Equal("algorithm", TokenRejectionClassifier.Classify(new SecurityTokenInvalidSignatureException("IDX10504"), token, ["ES256"]).Reason);
}
