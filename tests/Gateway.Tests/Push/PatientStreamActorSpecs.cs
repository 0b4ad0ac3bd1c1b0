using System.Threading.Channels;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Push;
using static HealthGateway.Gateway.Push.PatientFeedCommands;
using static HealthGateway.Gateway.Push.PatientFeedReplies;

namespace HealthGateway.Gateway.Tests.Push;

public sealed class PatientStreamActorSpecs() : TestKit("akka.loglevel = WARNING")
{
    private const string Patient = "p-1";

    private static FeedEvent Event(long seq, string incarnation = "inc") =>
        new(seq, $"{incarnation}-{seq}", PatientEventTypes.InvoiceChanged, DateTimeOffset.UtcNow, "{}");

    private (IActorRef Stream, Channel<FeedEvent> Buffer, CancellationTokenSource Overflowed) Start(
        Akka.TestKit.TestProbe region, Akka.TestKit.TestProbe endpoint, int buffer, string? lastEventId = null)
    {
        var channel = Channel.CreateBounded<FeedEvent>(buffer);
        var overflowed = new CancellationTokenSource();
        var settings = new PatientStreamSettings(Patient, lastEventId, region.Ref, channel.Writer, overflowed, TimeSpan.FromSeconds(5));
        var stream = Sys.ActorOf(PatientStreamActor.Props(settings, endpoint.Ref));
        return (stream, channel, overflowed);
    }

    [Fact]
    public void It_subscribes_with_the_resume_id_and_answers_the_endpoint_once_the_replay_is_buffered()
    {
        var region = CreateTestProbe();
        var endpoint = CreateTestProbe();
        var (stream, buffer, _) = Start(region, endpoint, buffer: 8, lastEventId: "inc-1");

        var subscribe = region.ExpectMsg<Subscribe>();
        Assert.Equal("inc-1", subscribe.LastEventId);
        Assert.Equal(stream, subscribe.Subscriber);
        region.Send(stream, new Subscribed(Patient, "inc-3", [Event(2), Event(3)]));

        Assert.Equal("inc-3", endpoint.ExpectMsg<PatientStreamReplies.Opened>().Position);
        Assert.True(buffer.Reader.TryRead(out var first) && first.Seq == 2);
        Assert.True(buffer.Reader.TryRead(out var second) && second.Seq == 3);
    }

    [Fact]
    public void A_refused_subscription_is_reported_and_the_stream_stops()
    {
        var region = CreateTestProbe();
        var endpoint = CreateTestProbe();
        var (stream, _, _) = Start(region, endpoint, buffer: 8);
        Watch(stream);

        region.ExpectMsg<Subscribe>();
        region.Send(stream, new SubscriptionRefused(Patient, 5));

        Assert.Equal(5, endpoint.ExpectMsg<PatientStreamReplies.Refused>().Limit);
        ExpectTerminated(stream);
    }

    [Fact]
    public void A_client_that_lets_the_buffer_fill_is_cut_off_instead_of_buffered_without_bound()
    {
        var region = CreateTestProbe();
        var endpoint = CreateTestProbe();
        var (stream, buffer, overflowed) = Start(region, endpoint, buffer: 2);
        Watch(stream);
        region.ExpectMsg<Subscribe>();
        region.Send(stream, new Subscribed(Patient, "inc-0", []));
        endpoint.ExpectMsg<PatientStreamReplies.Opened>();

        // Nobody reads the buffer (the client is not reading): the third event does not fit.
        for (var seq = 1; seq <= 3; seq++) region.Send(stream, Event(seq));

        ExpectTerminated(stream);
        Assert.True(overflowed.IsCancellationRequested);
        Assert.Equal(stream, region.ExpectMsg<Unsubscribe>().Subscriber);
        Assert.Equal(2, buffer.Reader.Count); // what was buffered stays bounded, and nothing more comes
        while (buffer.Reader.TryRead(out _)) { }
        Assert.True(buffer.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void When_the_feed_goes_away_it_subscribes_again_from_the_last_event_it_passed_on()
    {
        var region = CreateTestProbe();
        var endpoint = CreateTestProbe();
        var feed = CreateTestProbe();
        var (stream, buffer, _) = Start(region, endpoint, buffer: 8);
        region.ExpectMsg<Subscribe>();
        feed.Send(stream, new Subscribed(Patient, "inc-0", []));
        endpoint.ExpectMsg<PatientStreamReplies.Opened>();
        feed.Send(stream, Event(1));

        Sys.Stop(feed.Ref); // node loss or hand-off of the feed

        Assert.Equal("inc-1", region.ExpectMsg<Subscribe>().LastEventId);
        var reset = new FeedEvent(0, "new-0", PatientEventTypes.Reset, DateTimeOffset.UtcNow, "{}");
        region.Send(stream, new Subscribed(Patient, "new-0", [reset]));
        AwaitAssert(() => Assert.Equal(2, buffer.Reader.Count));
        buffer.Reader.TryRead(out _);
        buffer.Reader.TryRead(out var next);
        Assert.Equal(PatientEventTypes.Reset, next!.Type);
    }
}
