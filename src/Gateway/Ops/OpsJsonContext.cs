using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Ops;

/// <summary>Source-generated JSON for the ops API's shapes (same settings as the REST API's context).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(MemberAddressRequest))]
[JsonSerializable(typeof(MemberActionResult))]
[JsonSerializable(typeof(DownedMembers))]
[JsonSerializable(typeof(IReadOnlyList<ShardRegionView>))]
[JsonSerializable(typeof(IReadOnlyList<ShardRegionStatsView>))]
[JsonSerializable(typeof(IReadOnlyList<UnitSummary>))]
[JsonSerializable(typeof(UnitDetail))]
[JsonSerializable(typeof(Units.Session.DeliveriesResynced))]
[JsonSerializable(typeof(OpsOperationView))]
[JsonSerializable(typeof(OpsEvent))]
[JsonSerializable(typeof(PatientTransferRequest))]
[JsonSerializable(typeof(PatientTransferResult))]
public sealed partial class OpsJsonContext : JsonSerializerContext;
