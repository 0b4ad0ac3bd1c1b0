using Akka.Actor;

namespace HealthGateway.Gateway.Push;

/// <summary>What the events endpoint asks of <see cref="PatientStreamsActor"/>.</summary>
public static class PatientStreamCommands
{
    /// <summary>Start a stream; answered with one of <see cref="PatientStreamReplies"/> once the feed answered.</summary>
    public sealed record Open(PatientStreamSettings Settings);
}

public static class PatientStreamReplies
{
    /// <summary>Subscribed: the replay (if any) is already in the outbound buffer. Stop <paramref name="Stream"/> when done.</summary>
    public sealed record Opened(IActorRef Stream, string Position);

    /// <summary>The patient has too many open streams (429).</summary>
    public sealed record Refused(int Limit);

    /// <summary>The feed did not answer in time (503).</summary>
    public sealed record Unavailable;
}
