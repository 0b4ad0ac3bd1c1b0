using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using static HealthGateway.Gateway.Push.PatientFeedCommands;
using static HealthGateway.Gateway.Push.PatientFeedReplies;

namespace HealthGateway.Gateway.Push;

/// <summary>
/// One patient's live event feed (sharded by patient id, not persistent): numbers the events the unit
/// sessions publish, keeps the last <see cref="PatientFeedSettings.Window"/> of them (and none older than
/// <see cref="PatientFeedSettings.MaxAge"/>) for resuming clients, and fans each out to the patient's
/// open streams, wherever in the cluster they are. It is a notification channel: the durable truth stays
/// in the sessions (GET /operations) and at the unit (reads). When it restarts it takes a new
/// incarnation, so clients resuming from an older id get <c>reset</c> instead of silently missing events.
/// </summary>
public sealed class PatientFeedActor : ReceiveActor
{
    private readonly string _patientId;
    private readonly PatientFeedSettings _settings;
    private readonly TimeProvider _clock;
    private readonly string _incarnation = FeedEventId.NewIncarnation();
    // Kept for resuming clients, with the time each arrived here (an event's own time may be much older).
    private readonly LinkedList<(FeedEvent Event, DateTimeOffset Received)> _window = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private long _lastSeq;
    // Until a stream subscribes, no client can hold an id of this incarnation: events are neither numbered nor kept.
    private bool _everSubscribed;

    /// <summary>A feed nobody subscribed to leaves memory after this (or MaxAge, if shorter): it holds nothing.</summary>
    public static readonly TimeSpan UnsubscribedIdle = TimeSpan.FromMinutes(1);

    public PatientFeedActor(string patientId, PatientFeedSettings settings, TimeProvider? clock = null)
    {
        _patientId = patientId;
        _settings = settings;
        _clock = clock ?? TimeProvider.System;

        Receive<Publish>(OnPublish);
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(u => Forget(u.Subscriber));
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<ReceiveTimeout>(_ =>
        {
            // Idle for MaxAge without subscribers: every event it holds is too old to replay anyway.
            if (_subscribers.Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    public static Props Props(string patientId, PatientFeedSettings settings, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create<PatientFeedActor>(patientId, settings, clock!); // not the expression form: see UnitSessionActor.Props

    /// <summary>The feed's position: the id of its latest event (<c>{incarnation}-0</c> before the first).</summary>
    private string Position => new FeedEventId(_incarnation, _lastSeq).ToString();

    protected override void PreStart() => UpdatePassivation();

    private void OnPublish(Publish publish)
    {
        if (!_everSubscribed) return;
        var seq = ++_lastSeq;
        var id = new FeedEventId(_incarnation, seq).ToString();
        var feedEvent = Serialize(seq, id, publish.Type, publish.At, publish.DataJson);
        _window.AddLast((feedEvent, _clock.GetUtcNow()));
        while (_window.Count > _settings.Window) _window.RemoveFirst();
        TrimOld();
        foreach (var subscriber in _subscribers) subscriber.Tell(feedEvent);
    }

    private void OnSubscribe(Subscribe subscribe)
    {
        if (!_subscribers.Contains(subscribe.Subscriber) && _subscribers.Count >= _settings.MaxSubscribers)
        {
            subscribe.Subscriber.Tell(new SubscriptionRefused(_patientId, _settings.MaxSubscribers));
            return;
        }
        if (_subscribers.Add(subscribe.Subscriber)) Context.Watch(subscribe.Subscriber);
        _everSubscribed = true;
        UpdatePassivation();
        TrimOld();
        var replay = subscribe.LastEventId is null ? [] : ReplayAfter(subscribe.LastEventId);
        subscribe.Subscriber.Tell(new Subscribed(_patientId, Position, replay));
    }

    /// <summary>
    /// The events after <paramref name="lastEventId"/>, or one <c>reset</c> when some of them are gone or the id
    /// is not one of this incarnation's (the feed restarted, or a made-up id): never a silent gap.
    /// </summary>
    private IReadOnlyList<FeedEvent> ReplayAfter(string lastEventId)
    {
        var oldestKept = _window.First?.Value.Event.Seq ?? _lastSeq + 1;
        if (FeedEventId.TryParse(lastEventId, out var id) && id.Incarnation == _incarnation
            && id.Seq <= _lastSeq && id.Seq >= oldestKept - 1)
            return _window.Select(e => e.Event).Where(e => e.Seq > id.Seq).ToList();

        var reason = id.Incarnation == _incarnation && id.Seq < oldestKept - 1
            ? "events after the given id are no longer kept"
            : "the given id is unknown to this feed (it restarted, or the id is not one of ours)";
        var data = JsonSerializer.Serialize(new ResetData(reason), PushJson.Context.ResetData);
        return [Serialize(_lastSeq, Position, PatientEventTypes.Reset, _clock.GetUtcNow(), data)];
    }

    private void Forget(IActorRef subscriber)
    {
        if (_subscribers.Remove(subscriber)) Context.Unwatch(subscriber);
        UpdatePassivation();
    }

    private void TrimOld()
    {
        var oldest = _clock.GetUtcNow() - _settings.MaxAge;
        while (_window.First is { } first && first.Value.Received < oldest) _window.RemoveFirst();
    }

    private void UpdatePassivation() => Context.SetReceiveTimeout(
        _subscribers.Count > 0 ? null
        : _everSubscribed ? _settings.MaxAge
        : UnsubscribedIdle < _settings.MaxAge ? UnsubscribedIdle : _settings.MaxAge);

    private static FeedEvent Serialize(long seq, string id, string type, DateTimeOffset at, string dataJson)
    {
        using var data = JsonDocument.Parse(dataJson);
        var json = JsonSerializer.Serialize(new PatientStreamEvent(id, type, at, data.RootElement), PushJson.Context.PatientStreamEvent);
        return new FeedEvent(seq, id, type, at, json);
    }
}
