using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// The gateway's own checks after the pinned validation (one role, a subject, lifetime cap; a non-string scope is
/// dropped by <see cref="VerifiedIdentity"/>) and the
/// answer to a refused token: one log line with the reason (JwtBearer's own lines, with the exception's stack
/// trace, are filtered out in <see cref="AuthenticationSetup"/>) and an RFC 6750 challenge,
/// <c>Bearer error="invalid_token", error_description="..."</c>. The 401's problem+json body is written later by
/// the status code pages with the same description (<see cref="TokenProblemDetails"/>), after the audit row is stored.
/// </summary>
public sealed class GatewayJwtBearerEvents(AuthOptions options, ILogger<GatewayJwtBearerEvents> logger) : JwtBearerEvents
{
    public override Task TokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        // One role per token: a token that is both "patient" and "unit" would pass both policies.
        var roles = principal.FindAll("role").ToList();
        if (roles.Count != 1 || string.IsNullOrEmpty(roles[0].Value) || string.IsNullOrEmpty(principal.FindFirst("sub")?.Value))
            Refuse(context, TokenRejection.Identity);
        else if (LifetimeOf(context.SecurityToken) > options.MaxTokenLifetime)
            Refuse(context, TokenRejection.LifetimeTooLong);
        return Task.CompletedTask;
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        var rejection = TokenRejectionClassifier.Classify(context.Exception, BearerToken(context.Request), options.Algorithms);
        Record(context.HttpContext, rejection);
        return Task.CompletedTask;
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse(); // our header instead of the handler's; the body comes from the status code pages
        var rejection = context.HttpContext.Features.Get<TokenRejection>()
            ?? (context.AuthenticateFailure is null ? TokenRejection.Missing : TokenRejection.Unverifiable);
        context.HttpContext.Features.Set(rejection);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = rejection.Challenge;
        return Task.CompletedTask;
    }

    private void Refuse(TokenValidatedContext context, TokenRejection rejection)
    {
        Record(context.HttpContext, rejection);
        context.Fail(rejection.Description);
    }

    private void Record(HttpContext http, TokenRejection rejection)
    {
        http.Features.Set(rejection);
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)";
        // The route pattern, not the path: no patient id in the log. Nothing from the token either.
        logger.LogInformation("Bearer token rejected ({Reason}): {Method} {Route} from {RemoteAddress}",
            rejection.Reason, http.Request.Method, route, http.Connection.RemoteIpAddress);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static TimeSpan LifetimeOf(SecurityToken token)
    {
        var start = token is JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue ? iat : token.ValidFrom;
        return token.ValidTo - start;
    }
}
