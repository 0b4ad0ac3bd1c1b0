using System.Text.Json;

namespace HealthGateway.UnitNode.Writes;

/// <summary>What one durable write did: applied (with a result for the caller) or rejected with a reason.</summary>
internal readonly record struct WriteResult(bool Applied, JsonElement? Result, string? Reason)
{
    public static WriteResult Success(JsonElement result) => new(true, result, null);

    public static WriteResult Rejected(string reason, string? detail = null) =>
        new(false, null, detail is null ? reason : $"{reason}: {detail}");
}
