using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Ops.Cli;

/// <summary>Request body hgw sends to leave/down.</summary>
public sealed record MemberAddressBody(string Address);

/// <summary>Request body of <c>patients transfer</c>.</summary>
public sealed record PatientTransferBody(string ToUnitId, string? Reason);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MemberAddressBody))]
[JsonSerializable(typeof(PatientTransferBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
