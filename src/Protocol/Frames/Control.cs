namespace HealthGateway.Protocol.Frames;

/// <summary>Either direction: the peer did something wrong, or could not do what was asked.</summary>
public sealed record ErrorFrame(string Code, string Message, string? CorrelationId = null) : Frame;

/// <summary>Either direction: application heartbeat; the peer answers with <see cref="Pong"/>.</summary>
public sealed record Ping(long Nonce) : Frame;

public sealed record Pong(long Nonce) : Frame;
