namespace HealthGateway.Gateway.Push;

/// <summary>
/// A numbered event of a patient's feed, already serialized once for every subscriber
/// (<paramref name="Json"/> is a <see cref="PatientStreamEvent"/>). Crosses nodes as plain text.
/// </summary>
public sealed record FeedEvent(long Seq, string Id, string Type, DateTimeOffset At, string Json);
