using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Push;

/// <summary>Source-generated JSON for the patient event stream's own shapes (same settings as the REST API's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PatientStreamEvent))]
[JsonSerializable(typeof(ResetData))]
[JsonSerializable(typeof(UnitChangeData))]
public sealed partial class PushJsonContext : JsonSerializerContext;
