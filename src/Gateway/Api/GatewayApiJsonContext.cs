using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// Source-generated JSON for the REST API's own shapes (contracts come from the protocol's context; Ops, Audit and
/// Push have their own contexts, all put in the resolver chain by the composition root).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationView))]
[JsonSerializable(typeof(BookAppointmentRequest))]
[JsonSerializable(typeof(RescheduleAppointmentRequest))]
[JsonSerializable(typeof(PayInvoiceRequest))]
public sealed partial class GatewayApiJsonContext : JsonSerializerContext;
