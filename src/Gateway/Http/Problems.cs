namespace HealthGateway.Gateway.Http;

/// <summary>
/// RFC 9457 problem+json results with the gateway's titles, in one place. Shared HTTP plumbing: knows no feature
/// folder (a problem that needs a feature's types lives with that feature, e.g. <c>Api.WriteProblems</c>).
/// </summary>
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

    /// <summary>The unit answered <c>unsupported</c>: it does not offer this read, so retrying will not help.</summary>
    public static IResult UnitReadUnsupported(string operation) =>
        Create(StatusCodes.Status501NotImplemented, "Read not offered by the unit",
            $"The healthcare unit holding this patient's records does not offer '{operation}'.");

    /// <summary>
    /// The unit answered <c>invalid</c>. v1 reads take no parameters from the caller: the gateway built the request,
    /// so gateway and unit disagree about the contract (502), nothing the caller can fix.
    /// </summary>
    public static IResult UnitRefusedRead(string operation) =>
        Create(StatusCodes.Status502BadGateway, "Read refused by the unit",
            $"The healthcare unit holding this patient's records refused '{operation}' as invalid.");

    /// <summary>The unit answered <c>error</c>: it failed while answering.</summary>
    public static IResult UnitReadFailed(string operation) =>
        Create(StatusCodes.Status502BadGateway, "Unit failed to answer",
            $"The healthcare unit holding this patient's records failed while answering '{operation}'. Try again later.");

    public static IResult BacklogFull() =>
        Create(StatusCodes.Status503ServiceUnavailable, "Unit backlog full",
            "Too many writes are waiting for this healthcare unit. Nothing was stored; try again later.", 30);

    public static IResult NotDurable(string operationId) =>
        Create(StatusCodes.Status503ServiceUnavailable, "Write not confirmed",
            $"The gateway could not confirm that the write was stored. Retry with the same Idempotency-Key (operation '{operationId}' if it was stored).", 5);

    public static IResult IdempotencyConflict(string? existingOperationId) =>
        Create(StatusCodes.Status409Conflict, "Idempotency-Key reused",
            $"This Idempotency-Key was already used for a different request{(existingOperationId is null ? "" : $" (operation '{existingOperationId}')")}.");

    public static IResult OperationNotFound(string operationId) =>
        Create(StatusCodes.Status404NotFound, "Operation not found", $"No operation '{operationId}' is known (or it is past its retention).");

    public static IResult Create(int status, string title, string detail, int? retryAfterSeconds = null) =>
        new ProblemResult(TypedResults.Problem(statusCode: status, title: title, detail: detail), retryAfterSeconds);

    /// <summary>A problem result that can also set Retry-After.</summary>
    private sealed class ProblemResult(IResult inner, int? retryAfterSeconds) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfterSeconds is { } seconds) httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
