using System.Text.Json;

namespace HealthGateway.Gateway.Push;

/// <summary><c>data</c> of an <c>appointment|invoice|record.changed</c> event: what the unit reported.</summary>
public sealed record UnitChangeData(string Kind, string EventId, DateTimeOffset OccurredAt, JsonElement? Payload);
