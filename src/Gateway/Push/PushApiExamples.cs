using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Http.OpenApi;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Push;

/// <summary>OpenAPI example of the patient event stream: what an SSE client reads.</summary>
public static class PushApiExamples
{
    public const string EndpointName = "PatientEvents";

    public static readonly IReadOnlyDictionary<string, ApiExample> All = new Dictionary<string, ApiExample>
    {
        [EndpointName] = new(null, "200", JsonValue.Create(StreamText())),
    };

    private static string StreamText()
    {
        var at = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);
        var operation = new OperationView("9b2f0c4e1d7a4c1f8e3b5a6d7c8e9f01.unit-1", OperationStatus.Applied, Protocol.Operations.BookAppointment,
            "p-gx5kp3j2v7ab", at, at.AddDays(7), at.AddSeconds(1), null, null);
        var data = JsonSerializer.SerializeToElement(operation, ApiJson.Context.OperationView);
        var streamEvent = new PatientStreamEvent("k3v9q2-42", PatientEventTypes.OperationStatus, at.AddSeconds(1), data);
        return $"id: {streamEvent.Id}\ndata: {JsonSerializer.Serialize(streamEvent, PushJson.Context.PatientStreamEvent)}\n\n";
    }
}
