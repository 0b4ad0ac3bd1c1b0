using System.Text.Encodings.Web;
using System.Text.Json;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// The REST API's JSON, for JSON the gateway writes outside a response (the patient event stream, OpenAPI
/// examples): the options ASP.NET Core answers with (web defaults, nulls written, its relaxed escaping, since the
/// JSON goes straight to the wire, never into HTML), so an operation in an event is byte for byte what GET returns.
/// </summary>
public static class ApiJson
{
    public static GatewayApiJsonContext Context { get; } =
        new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
