namespace HealthGateway.Gateway.Api;

/// <summary>RFC 9457 problem+json results with the gateway's titles, in one place.</summary>
public static class Problems
{
    public static IResult BadRequest(string title, string detail) => Create(StatusCodes.Status400BadRequest, title, detail);
    public static IResult Forbidden(string title, string detail) => Create(StatusCodes.Status403Forbidden, title, detail);

    public static IResult PatientNotFound(string patientId) =>
        Create(StatusCodes.Status404NotFound, "Patient not found", $"No patient '{patientId}' is known to the gateway.");

    public static IResult UnitOffline(int retryAfterSeconds) =>
        Create(StatusCodes.Status503ServiceUnavailable, "Unit offline",
            "The healthcare unit holding this patient's records is not connected. Try again later.",
            retryAfterSeconds);

    public static IResult UnitBusy() =>
        Create(StatusCodes.Status503ServiceUnavailable, "Unit busy",
            "The healthcare unit has too many requests queued. Try again shortly.", 1);

    public static IResult UnitTimeout() =>
        Create(StatusCodes.Status504GatewayTimeout, "Unit did not answer in time",
            "The healthcare unit is connected but did not answer before the deadline.");

    public static IResult BadUnitReply(string detail) =>
        Create(StatusCodes.Status502BadGateway, "Invalid answer from the unit", detail);

    public static IResult Create(int status, string title, string detail, int? retryAfterSeconds = null) =>
        new ProblemResult(TypedResults.Problem(statusCode: status, title: title, detail: detail), retryAfterSeconds);

    /// <summary>A problem result that can also set Retry-After.</summary>
    private sealed class ProblemResult(IResult inner, int? retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfterSeconds is { } seconds) httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
