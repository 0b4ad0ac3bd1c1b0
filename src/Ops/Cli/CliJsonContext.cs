using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Ops.Cli;

/// <summary>Request body hgw sends to leave/down.</summary>
public sealed record MemberAddressBody(string Address);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MemberAddressBody))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
