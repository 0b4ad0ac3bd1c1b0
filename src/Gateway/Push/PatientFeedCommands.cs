using Akka.Actor;

namespace HealthGateway.Gateway.Push;

/// <summary>Messages a <see cref="PatientFeedActor"/> accepts, routed by patient id through sharding.</summary>
public static class PatientFeedCommands
{
    /// <summary>
    /// From a unit's session, fire-and-forget, once the change is durable there. <paramref name="DataJson"/> is the
    /// event's <c>data</c> object as JSON text.
    /// </summary>
    public sealed record Publish(string PatientId, string Type, DateTimeOffset At, string DataJson) : IWithPatientId;

    /// <summary>
    /// A stream wants the patient's events from now on, after replaying those after <paramref name="LastEventId"/>
    /// (null: live only). The feed watches <paramref name="Subscriber"/> and forgets it when it terminates.
    /// </summary>
    public sealed record Subscribe(string PatientId, IActorRef Subscriber, string? LastEventId) : IWithPatientId;

    public sealed record Unsubscribe(string PatientId, IActorRef Subscriber) : IWithPatientId;
}

/// <summary>What a <see cref="PatientFeedActor"/> sends back (besides each <see cref="FeedEvent"/>).</summary>
public static class PatientFeedReplies
{
    /// <summary>
    /// Subscribed. <paramref name="Replay"/> holds the missed events in order, or one <c>reset</c> event when they
    /// cannot be replayed; <paramref name="Position"/> is the id of the feed's latest event (to resume from).
    /// </summary>
    public sealed record Subscribed(string PatientId, string Position, IReadOnlyList<FeedEvent> Replay);

    /// <summary>The patient already has <paramref name="Limit"/> open streams.</summary>
    public sealed record SubscriptionRefused(string PatientId, int Limit);
}
