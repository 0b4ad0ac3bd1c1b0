using System.Text.Encodings.Web;
using System.Text.Json;

namespace HealthGateway.Gateway.Http;

/// <summary>
/// The options ASP.NET Core answers with (web defaults, nulls written, its relaxed escaping, since the JSON goes
/// straight to the wire, never into HTML), for JSON a feature writes outside a response (the patient event stream,
/// OpenAPI examples), so it is byte for byte what an endpoint returns. A new instance per call: a source-generated
/// context takes its options over.
/// </summary>
public static class WireJsonOptions
{
    public static JsonSerializerOptions Create() =>
        new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
