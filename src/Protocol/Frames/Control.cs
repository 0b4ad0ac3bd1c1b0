namespace HealthGateway.Protocol.Frames;

/// <summary>
/// Either direction: the peer did something wrong, or could not do what was asked. <see cref="RetryAfterMs"/>, when the
/// gateway sets it before a close, is the least time the unit waits before it reconnects (docs/protocol.md, section 12).
/// </summary>
public sealed record ErrorFrame(string Code, string Message, string? CorrelationId = null, int? RetryAfterMs = null) : Frame;

/// <summary>Either direction: application heartbeat; the peer answers with <see cref="Pong"/>.</summary>
public sealed record Ping(long Nonce) : Frame;

public sealed record Pong(long Nonce) : Frame;
