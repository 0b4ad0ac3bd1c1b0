using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// Under <c>/fhir</c> every problem the gateway answers (its own, validation errors, and the status pages of the
/// authentication, rate limiter and body limits) is written as an <c>OperationOutcome</c> with the same status code
/// and headers (Retry-After, WWW-Authenticate) as <c>/api/v1</c>: one set of error decisions, two wire formats.
/// </summary>
internal sealed class FhirOperationOutcomeWriter(Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => FhirPaths.IsFhir(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        options.Value.CustomizeProblemDetails?.Invoke(context); // the same details as /api/v1 (which token check failed, body limits)
        var status = problem.Status.Value;
        var outcome = FhirOutcomes.Error(status, problem.Title, problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
            foreach (var (field, messages) in validation.Errors)
                foreach (var message in messages)
                    outcome.Issue.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error,
                        Code = OperationOutcome.IssueType.Invalid,
                        Diagnostics = $"{field}: {message}",
                    });
        if (problem.Extensions.TryGetValue("operationId", out var operationId) && operationId is not null)
            outcome.Issue[0].Diagnostics = $"{outcome.Issue[0].Diagnostics} (operation '{operationId}')";
        http.Response.StatusCode = status;
        return new ValueTask(new FhirResult(outcome, status).ExecuteAsync(http));
    }
}

public static class FhirOutcomes
{
    /// <summary>An error OperationOutcome; the issue type says the kind of failure the status code names.</summary>
    public static OperationOutcome Error(int status, string? title, string? detail) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = IssueTypeOf(status),
                Details = title is null ? null : new CodeableConcept { Text = title },
                Diagnostics = detail,
            },
        ],
    };

    /// <summary>An informational OperationOutcome (a write accepted but not applied yet).</summary>
    public static OperationOutcome Information(string text) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = text }],
    };

    private static OperationOutcome.IssueType IssueTypeOf(int status) => status switch
    {
        400 or 422 => OperationOutcome.IssueType.Invalid,
        401 => OperationOutcome.IssueType.Login,
        403 => OperationOutcome.IssueType.Forbidden,
        404 => OperationOutcome.IssueType.NotFound,
        406 or 415 or 501 => OperationOutcome.IssueType.NotSupported,
        409 => OperationOutcome.IssueType.Conflict,
        413 => OperationOutcome.IssueType.TooCostly,
        429 => OperationOutcome.IssueType.Throttled,
        504 => OperationOutcome.IssueType.Timeout,
        500 or 502 => OperationOutcome.IssueType.Exception,
        _ => OperationOutcome.IssueType.Transient,
    };
}

public static class FhirOperationOutcomeSetup
{
    /// <summary>Put first among the problem writers, so it answers every problem under <c>/fhir</c>.</summary>
    public static IServiceCollection AddFhirOperationOutcomes(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirOperationOutcomeWriter>());
        return services;
    }
}
