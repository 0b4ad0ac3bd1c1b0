using System.Text.Json;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Handlers;

/// <summary>What a request handler answers; becomes a <see cref="Reply"/>.</summary>
public readonly record struct HandlerResult(ReplyStatus Status, JsonElement? Payload = null, string? Error = null)
{
    public static HandlerResult Ok(JsonElement payload) => new(ReplyStatus.Ok, payload);

    public static HandlerResult NotFound(string error) => new(ReplyStatus.NotFound, null, error);

    public static HandlerResult Invalid(string error) => new(ReplyStatus.Invalid, null, error);
}
