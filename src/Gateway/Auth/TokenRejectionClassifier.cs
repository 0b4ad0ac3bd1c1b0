using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>Which check a token failed, from the validation exception (the exception's message is never shown: it may quote the token).</summary>
public static class TokenRejectionClassifier
{
    public static TokenRejection Classify(Exception failure, string? token, IReadOnlyCollection<string> acceptedAlgorithms)
    {
        // Checked first: an unaccepted alg (none, HS256 with our public key...) surfaces as a signature failure.
        if (AlgorithmOf(token) is { } algorithm && !acceptedAlgorithms.Contains(algorithm, StringComparer.Ordinal))
            return TokenRejection.Algorithm;

        if (failure is AggregateException { InnerExceptions.Count: > 0 } aggregate) failure = aggregate.InnerExceptions[0];
        return failure switch
        {
            SecurityTokenExpiredException => TokenRejection.Expired,
            SecurityTokenNotYetValidException => TokenRejection.NotYetValid,
            SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException => TokenRejection.NoLifetime,
            SecurityTokenInvalidIssuerException => TokenRejection.Issuer,
            SecurityTokenInvalidAudienceException => TokenRejection.Audience,
            SecurityTokenInvalidAlgorithmException => TokenRejection.Algorithm,
            SecurityTokenInvalidSignatureException => TokenRejection.Signature, // also an unknown kid (key not found)
            SecurityTokenInvalidTypeException => TokenRejection.TokenType,
            SecurityTokenMalformedException or ArgumentException => TokenRejection.Malformed,
            _ => TokenRejection.Unverifiable,
        };
    }

    private static string? AlgorithmOf(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            return new JsonWebToken(token).Alg;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return null; // not a JWT at all: the validation exception says so
        }
    }
}
