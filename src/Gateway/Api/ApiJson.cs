using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// The REST API's JSON, for JSON the gateway writes outside a response (the patient event stream, OpenAPI
/// examples): see <see cref="WireJsonOptions"/>, so an operation in an event is byte for byte what GET returns.
/// </summary>
public static class ApiJson
{
    public static GatewayApiJsonContext Context { get; } = new(WireJsonOptions.Create());
}
