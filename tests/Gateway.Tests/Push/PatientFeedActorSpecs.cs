using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Push;
using static HealthGateway.Gateway.Push.PatientFeedCommands;
using static HealthGateway.Gateway.Push.PatientFeedReplies;

namespace HealthGateway.Gateway.Tests.Push;

public sealed class PatientFeedActorSpecs() : TestKit("akka.loglevel = WARNING")
{
    private const string Patient = "p-1";
    private static readonly PatientFeedSettings Settings = new(Window: 3, MaxAge: TimeSpan.FromMinutes(10), MaxSubscribers: 100);
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private IActorRef Feed(PatientFeedSettings? settings = null) => Sys.ActorOf(PatientFeedActor.Props(Patient, settings ?? Settings, _clock));

    private static Publish Event(int n) => new(Patient, PatientEventTypes.AppointmentChanged, DateTimeOffset.UtcNow, $$"""{"n":{{n}}}""");

    private static int N(FeedEvent e) => JsonDocument.Parse(e.Json).RootElement.GetProperty("data").GetProperty("n").GetInt32();

    private Subscribed SubscribeWith(IActorRef feed, Akka.TestKit.TestProbe subscriber, string? lastEventId)
    {
        feed.Tell(new Subscribe(Patient, subscriber.Ref, lastEventId));
        return subscriber.ExpectMsg<Subscribed>();
    }

    [Fact]
    public void Events_are_numbered_in_order_under_the_feed_incarnation_and_sent_to_every_subscriber()
    {
        var feed = Feed();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var position = SubscribeWith(feed, first, null).Position;
        SubscribeWith(feed, second, null);

        feed.Tell(Event(1));
        feed.Tell(Event(2));

        Assert.True(FeedEventId.TryParse(position, out var start));
        Assert.Equal(0, start.Seq);
        foreach (var probe in new[] { first, second })
        {
            var e1 = probe.ExpectMsg<FeedEvent>();
            var e2 = probe.ExpectMsg<FeedEvent>();
            Assert.Equal(new FeedEventId(start.Incarnation, 1).ToString(), e1.Id);
            Assert.Equal(new FeedEventId(start.Incarnation, 2).ToString(), e2.Id);
            Assert.Equal([1, 2], new[] { N(e1), N(e2) });
            var json = JsonDocument.Parse(e1.Json).RootElement;
            Assert.Equal(e1.Id, json.GetProperty("id").GetString());
            Assert.Equal("appointment.changed", json.GetProperty("type").GetString());
            Assert.True(json.TryGetProperty("at", out _));
        }
    }

    [Fact]
    public void Resuming_from_a_kept_id_replays_only_the_later_events()
    {
        var feed = Feed();
        var live = CreateTestProbe();
        SubscribeWith(feed, live, null);
        for (var i = 1; i <= 3; i++) feed.Tell(Event(i));
        var seen = live.ExpectMsg<FeedEvent>();
        live.ExpectMsg<FeedEvent>();
        live.ExpectMsg<FeedEvent>();

        var resumed = SubscribeWith(feed, CreateTestProbe(), seen.Id);

        Assert.Equal([2, 3], resumed.Replay.Select(N));
        Assert.Equal(resumed.Replay[^1].Id, resumed.Position);
    }

    [Fact]
    public void Events_before_the_first_subscriber_are_not_kept_since_no_client_can_resume_from_them()
    {
        var feed = Feed();
        feed.Tell(Event(1));
        feed.Tell(Event(2));

        var subscribed = SubscribeWith(feed, CreateTestProbe(), null);

        Assert.True(FeedEventId.TryParse(subscribed.Position, out var position));
        Assert.Equal(0, position.Seq);
        Assert.Empty(subscribed.Replay);
        Assert.Empty(SubscribeWith(feed, CreateTestProbe(), subscribed.Position).Replay);
    }

    [Fact]
    public void Resuming_from_the_latest_id_replays_nothing()
    {
        var feed = Feed();
        SubscribeWith(feed, CreateTestProbe(), null);
        feed.Tell(Event(1));
        var position = SubscribeWith(feed, CreateTestProbe(), null).Position;

        Assert.Empty(SubscribeWith(feed, CreateTestProbe(), position).Replay);
    }

    [Fact]
    public void Resuming_from_an_id_older_than_the_window_gets_reset_not_a_gap()
    {
        var feed = Feed();
        var live = CreateTestProbe();
        SubscribeWith(feed, live, null);
        for (var i = 1; i <= 5; i++) feed.Tell(Event(i)); // window 3: events 1 and 2 are gone
        var first = live.ExpectMsg<FeedEvent>();
        var second = live.ExpectMsg<FeedEvent>();

        var fromFirst = SubscribeWith(feed, CreateTestProbe(), first.Id);
        var fromSecond = SubscribeWith(feed, CreateTestProbe(), second.Id);

        var reset = Assert.Single(fromFirst.Replay);
        Assert.Equal(PatientEventTypes.Reset, reset.Type);
        Assert.Equal(fromFirst.Position, reset.Id); // resuming from the reset's id continues without a gap
        Assert.Equal([3, 4, 5], fromSecond.Replay.Select(N)); // event 2 was the last one seen: 3.. are all kept
    }

    [Fact]
    public void An_id_of_an_earlier_incarnation_or_a_made_up_id_gets_reset()
    {
        var before = Feed();
        SubscribeWith(before, CreateTestProbe(), null);
        before.Tell(Event(1));
        var oldPosition = SubscribeWith(before, CreateTestProbe(), null).Position;
        Sys.Stop(before);

        var restarted = Feed(); // same patient, new incarnation: its numbering starts again
        SubscribeWith(restarted, CreateTestProbe(), null);
        restarted.Tell(Event(1));

        foreach (var id in new[] { oldPosition, "not-an-id", "x", "abc-99999" })
        {
            var replay = SubscribeWith(restarted, CreateTestProbe(), id).Replay;
            Assert.Equal(PatientEventTypes.Reset, Assert.Single(replay).Type);
        }
    }

    [Fact]
    public void Events_older_than_the_max_age_are_not_replayed()
    {
        var feed = Feed();
        var live = CreateTestProbe();
        SubscribeWith(feed, live, null);
        feed.Tell(Event(1));
        var old = live.ExpectMsg<FeedEvent>();
        _clock.Now += TimeSpan.FromMinutes(5);
        feed.Tell(Event(2));
        var recent = live.ExpectMsg<FeedEvent>();
        _clock.Now += TimeSpan.FromMinutes(6); // event 1 is now 11 minutes old, event 2 six

        Assert.Equal(PatientEventTypes.Reset, Assert.Single(SubscribeWith(feed, CreateTestProbe(), "x-0").Replay).Type);
        Assert.Equal(PatientEventTypes.Reset, Assert.Single(SubscribeWith(feed, CreateTestProbe(), old.Id[..old.Id.LastIndexOf('-')] + "-0").Replay).Type);
        Assert.Empty(SubscribeWith(feed, CreateTestProbe(), recent.Id).Replay);
        var fromOld = SubscribeWith(feed, CreateTestProbe(), old.Id).Replay;
        Assert.Equal([2], fromOld.Select(N)); // event 1 was seen; event 2 is still kept
    }

    [Fact]
    public void A_patient_has_at_most_the_configured_subscribers_and_a_terminated_one_frees_its_place()
    {
        var feed = Feed(Settings with { MaxSubscribers = 2 });
        var first = CreateTestProbe();
        SubscribeWith(feed, first, null);
        SubscribeWith(feed, CreateTestProbe(), null);

        var third = CreateTestProbe();
        feed.Tell(new Subscribe(Patient, third.Ref, null));
        Assert.Equal(2, third.ExpectMsg<SubscriptionRefused>().Limit);

        Sys.Stop(first.Ref);
        AwaitAssert(() =>
        {
            var retry = CreateTestProbe(); // a fresh probe per try
            feed.Tell(new Subscribe(Patient, retry.Ref, null));
            retry.ExpectMsg<Subscribed>(TimeSpan.FromSeconds(1));
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void An_unsubscribed_stream_gets_no_more_events()
    {
        var feed = Feed();
        var gone = CreateTestProbe();
        var staying = CreateTestProbe();
        SubscribeWith(feed, gone, null);
        SubscribeWith(feed, staying, null);

        feed.Tell(new Unsubscribe(Patient, gone.Ref));
        feed.Tell(Event(1));

        staying.ExpectMsg<FeedEvent>();
        gone.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

}
