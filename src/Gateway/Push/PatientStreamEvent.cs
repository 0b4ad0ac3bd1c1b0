using System.Text.Json;

namespace HealthGateway.Gateway.Push;

/// <summary>One event as a patient's stream sends it (one WebSocket text message / one SSE <c>data:</c> line).</summary>
public sealed record PatientStreamEvent(string Id, string Type, DateTimeOffset At, JsonElement Data);
