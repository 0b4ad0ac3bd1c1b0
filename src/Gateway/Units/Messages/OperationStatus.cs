using System.Text.Json.Serialization;

namespace HealthGateway.Gateway.Units.Messages;

/// <summary>queued -> delivered -> applied | rejected | expired. Only the last three are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OperationStatus>))]
public enum OperationStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("applied")] Applied,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("expired")] Expired,
}
