namespace HealthGateway.Gateway.Http;

/// <summary>Any result plus a <c>Location</c> header (an operation's URL on 200 and 422 answers).</summary>
public sealed class LocatedResult(IResult inner, string location) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        return inner.ExecuteAsync(httpContext);
    }
}
