using Akka.Actor;
using static HealthGateway.Gateway.Push.PatientFeedCommands;
using static HealthGateway.Gateway.Push.PatientFeedReplies;

namespace HealthGateway.Gateway.Push;

/// <summary>
/// Node-local subscriber for one open event stream (WebSocket or SSE). It subscribes to the patient's
/// <see cref="PatientFeedActor"/> (on any node) and hands events to the endpoint through a bounded buffer:
/// when the client is too slow and the buffer is full, it signals overflow and stops instead of growing.
/// If the feed goes away (node loss, hand-off) it subscribes again from the last id it passed on, so the
/// client gets <c>reset</c> rather than a silent gap.
/// </summary>
public sealed class PatientStreamActor : ReceiveActor, IWithTimers
{
    private const string SubscribeTimer = "subscribe";
    private readonly PatientStreamSettings _settings;
    private readonly IActorRef _replyTo;
    private IActorRef? _feed;
    private string? _position;

    public PatientStreamActor(PatientStreamSettings settings, IActorRef replyTo)
    {
        _settings = settings;
        _replyTo = replyTo;
        _position = settings.LastEventId;
        Subscribing();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PatientStreamSettings settings, IActorRef replyTo) =>
        Akka.Actor.Props.Create<PatientStreamActor>(settings, replyTo); // not the expression form: see UnitSessionActor.Props

    protected override void PreStart() => Subscribe();

    protected override void PostStop()
    {
        _settings.FeedRegion.Tell(new Unsubscribe(_settings.PatientId, Self));
        _settings.Outbound.TryComplete();
    }

    private void Subscribing()
    {
        Receive<Subscribed>(subscribed =>
        {
            Timers.Cancel(SubscribeTimer);
            OnSubscribed(subscribed);
            _replyTo.Tell(new PatientStreamReplies.Opened(Self, subscribed.Position));
            Become(Streaming);
        });
        Receive<SubscriptionRefused>(refused =>
        {
            _replyTo.Tell(new PatientStreamReplies.Refused(refused.Limit));
            Context.Stop(Self);
        });
        Receive<SubscribeTimedOut>(_ =>
        {
            _replyTo.Tell(new PatientStreamReplies.Unavailable());
            Context.Stop(Self);
        });
    }

    private void Streaming()
    {
        Receive<FeedEvent>(Pass);
        Receive<Subscribed>(OnSubscribed); // again, after the feed went away
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_feed)) return;
            _feed = null;
            Subscribe();
        });
        // The feed restarted and meanwhile the patient opened more streams: this one ends (the client reconnects).
        Receive<SubscriptionRefused>(_ => Context.Stop(Self));
        Receive<SubscribeTimedOut>(_ => Context.Stop(Self));
    }

    private void Subscribe()
    {
        _settings.FeedRegion.Tell(new Subscribe(_settings.PatientId, Self, _position));
        Timers.StartSingleTimer(SubscribeTimer, SubscribeTimedOut.Instance, _settings.SubscribeTimeout);
    }

    private void OnSubscribed(Subscribed subscribed)
    {
        Timers.Cancel(SubscribeTimer);
        _feed = Sender;
        Context.Watch(_feed);
        _position ??= subscribed.Position;
        foreach (var replayed in subscribed.Replay) Pass(replayed);
    }

    private void Pass(FeedEvent feedEvent)
    {
        if (_settings.Overflowed.IsCancellationRequested) return;
        if (_settings.Outbound.TryWrite(feedEvent))
        {
            _position = feedEvent.Id;
            return;
        }
        // The client has not read a whole buffer of events: close it rather than hold more for it.
        _settings.Overflowed.Cancel();
        Context.Stop(Self);
    }

    private sealed record SubscribeTimedOut
    {
        public static readonly SubscribeTimedOut Instance = new();
    }
}
