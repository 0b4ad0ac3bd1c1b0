using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.Push;

/// <summary>The event stream's JSON, written as the REST API writes its responses (see <see cref="WireJsonOptions"/>).</summary>
public static class PushJson
{
    public static PushJsonContext Context { get; } = new(WireJsonOptions.Create());
}
