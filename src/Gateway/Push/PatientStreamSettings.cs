using System.Threading.Channels;
using Akka.Actor;

namespace HealthGateway.Gateway.Push;

/// <summary>Everything a <see cref="PatientStreamActor"/> needs; built by the events endpoint.</summary>
/// <param name="Outbound">Bounded: what the endpoint sends to the client, in order.</param>
/// <param name="Overflowed">Cancelled when the client fell a whole buffer behind: the endpoint closes the stream.</param>
public sealed record PatientStreamSettings(
    string PatientId,
    string? LastEventId,
    IActorRef FeedRegion,
    ChannelWriter<FeedEvent> Outbound,
    CancellationTokenSource Overflowed,
    TimeSpan SubscribeTimeout);
