using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Audit;

/// <summary>Source-generated JSON for the audit query's page (same settings as the REST API's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditPage))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
