using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.RateLimits;
using Microsoft.OpenApi;

namespace HealthGateway.Gateway.Audit;

public static class AuditEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/audit?patientId=&amp;subject=&amp;from=&amp;to=&amp;limit=&amp;after=</c>, admins only: the audit trail,
    /// oldest first, keyset-paginated (<c>after</c> = the previous page's <c>next</c>), at most
    /// <see cref="AuditQuery.MaxLimit"/> per page; a malformed parameter is a 400 with field errors.
    /// Reading the trail is itself audited (resource <c>audit</c>, with the <c>patientId</c> filter as its patient),
    /// before the page is sent: who looked at whose access history is part of that history.
    /// </summary>
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").RequireAuthorization(Policies.Admin)
            .WithMetadata(AuditedEndpoint.Instance).AddEndpointFilter<AuditResultFilter>()
            .RequirePerCallerLimit().WithTags("Audit");
        group.MapGet("", async (HttpContext http, IAuditStore store) =>
        {
            var q = http.Request.Query;
            if (q.Keys.FirstOrDefault(k => !KnownParameters.Contains(k)) is { } unknown)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [unknown] = ["is not a known parameter"] }, title: "Invalid audit query");
            if (q.Any(p => p.Value.Count > 1))
                return TypedResults.ValidationProblem(q.Where(p => p.Value.Count > 1).ToDictionary(p => p.Key, _ => new[] { "must be given once" }), title: "Invalid audit query");

            var (query, errors) = AuditQuery.Parse(Value("patientId"), Value("subject"), Value("from"), Value("to"), Value("limit"), Value("after"));
            if (query is null) return (IResult)TypedResults.ValidationProblem(errors, title: "Invalid audit query");
            if (http.Audit() is { } audit) audit.PatientId = query.PatientId;

            var items = await store.QueryAsync(query, http.RequestAborted);
            return TypedResults.Ok(new AuditPage(items, items.Count == query.Limit ? items[^1].Id : null));

            string? Value(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        })
        .WithName(AuditApiExamples.EndpointName)
        .WithSummary("The audit trail: every access to patient data (and every read of the trail), oldest first, filtered by patient, subject and time")
        .Produces<AuditPage>()
        .ProducesValidationProblem()
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            // The query is parsed by hand (to refuse unknown and repeated parameters), so describe it here.
            operation.Parameters ??= [];
            foreach (var (name, type, description) in AuditApiExamples.QueryParameters)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Description = description,
                    Schema = new OpenApiSchema { Type = type },
                });
            return Task.CompletedTask;
        });
        return group;
    }

    private static readonly HashSet<string> KnownParameters = new(StringComparer.OrdinalIgnoreCase) { "patientId", "subject", "from", "to", "limit", "after" };
}
