using HealthGateway.Gateway.Http.OpenApi;
using Microsoft.OpenApi;

namespace HealthGateway.Gateway.Audit;

/// <summary>OpenAPI description of <c>GET /api/v1/audit</c>: its query parameters and an example page.</summary>
public static class AuditApiExamples
{
    public const string EndpointName = "QueryAudit";

    public static readonly IReadOnlyList<(string Name, JsonSchemaType Type, string Description)> QueryParameters =
    [
        ("patientId", JsonSchemaType.String, "Only accesses to this patient."),
        ("subject", JsonSchemaType.String, "Only accesses by this token subject (patient id, partner client id, admin)."),
        ("from", JsonSchemaType.String, "ISO 8601 instant, inclusive."),
        ("to", JsonSchemaType.String, "ISO 8601 instant, exclusive."),
        ("limit", JsonSchemaType.Integer, $"Rows per page, 1 to {AuditQuery.MaxLimit}."),
        ("after", JsonSchemaType.Integer, "The previous page's `next`."),
    ];

    public static readonly IReadOnlyDictionary<string, ApiExample> All = new Dictionary<string, ApiExample>
    {
        [EndpointName] = new(null, "200", ApiExample.Node(new AuditPage(
            [
                new AuditEntry(17, new DateTimeOffset(2026, 11, 26, 9, 14, 3, TimeSpan.Zero), "partner", "acme-scheduling", "p-gx5kp3j2v7ab",
                    "appointments", "read", 200, "4bf92f3577b34da6a3ce929d0e0e4736", "GET /api/v1/patients/p-gx5kp3j2v7ab/appointments"),
                new AuditEntry(18, new DateTimeOffset(2026, 11, 26, 9, 14, 9, TimeSpan.Zero), "patient", "p-q8w2e4r6t8y0", "p-gx5kp3j2v7ab",
                    "records", "read", 404, "0af7651916cd43dd8448eb211c80319c", "GET /api/v1/patients/p-gx5kp3j2v7ab/records"),
            ], 18), AuditJsonContext.Default.AuditPage)),
    };
}
