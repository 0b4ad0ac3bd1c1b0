using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Api;

/// <summary>Source-generated JSON for the REST API's own shapes (contracts come from the protocol's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationView))]
[JsonSerializable(typeof(BookAppointmentRequest))]
[JsonSerializable(typeof(RescheduleAppointmentRequest))]
[JsonSerializable(typeof(PayInvoiceRequest))]
[JsonSerializable(typeof(Ops.ClusterView))]
[JsonSerializable(typeof(Ops.MemberAddressRequest))]
[JsonSerializable(typeof(Ops.MemberActionResult))]
[JsonSerializable(typeof(Ops.DownedMembers))]
[JsonSerializable(typeof(IReadOnlyList<Ops.ShardRegionView>))]
[JsonSerializable(typeof(IReadOnlyList<Ops.ShardRegionStatsView>))]
[JsonSerializable(typeof(IReadOnlyList<Ops.UnitSummary>))]
[JsonSerializable(typeof(Ops.UnitDetail))]
[JsonSerializable(typeof(Sessions.DeliveriesResynced))]
[JsonSerializable(typeof(Ops.OpsOperationView))]
[JsonSerializable(typeof(Ops.OpsEvent))]
[JsonSerializable(typeof(Ops.PatientTransferRequest))]
[JsonSerializable(typeof(Ops.PatientTransferResult))]
[JsonSerializable(typeof(Audit.AuditPage))]
[JsonSerializable(typeof(Push.PatientStreamEvent))]
[JsonSerializable(typeof(Push.ResetData))]
[JsonSerializable(typeof(Push.UnitChangeData))]
public sealed partial class GatewayApiJsonContext : JsonSerializerContext;
