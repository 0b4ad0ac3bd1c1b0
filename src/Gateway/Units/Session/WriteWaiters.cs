using Akka.Actor;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Callers waiting on a write, by operation id: each hears once, when the write is durable (202) or, if it asked to
/// wait (<c>Prefer: wait</c>), when it is settled or its wait ends. The session tells this where a write stands;
/// this decides who is answered. Not durable: a session that stops answers everyone (<see cref="AnswerAll"/>).
/// </summary>
public sealed class WriteWaiters
{
    private readonly Dictionary<string, List<Waiter>> _byOperation = new(StringComparer.Ordinal);
    private readonly Func<TimeSpan, WaitEnded, ICancelable?> _scheduleWaitEnd;

    /// <param name="scheduleWaitEnd">Sends <see cref="WaitEnded"/> back to the session after the caller's wait.</param>
    public WriteWaiters(Func<TimeSpan, WaitEnded, ICancelable?> scheduleWaitEnd) => _scheduleWaitEnd = scheduleWaitEnd;

    /// <summary>Operations with someone waiting.</summary>
    public int Count => _byOperation.Count;

    public bool AnyFor(string operationId) => _byOperation.ContainsKey(operationId);

    /// <summary>A caller waits; with <paramref name="wait"/> > 0 it wants the outcome, for at most that long.</summary>
    public void Add(string operationId, IActorRef replyTo, TimeSpan wait)
    {
        var wantsOutcome = wait > TimeSpan.Zero;
        var timer = wantsOutcome ? _scheduleWaitEnd(wait, new WaitEnded(operationId, replyTo)) : null;
        if (!_byOperation.TryGetValue(operationId, out var list)) _byOperation[operationId] = list = [];
        list.Add(new Waiter(replyTo, timer, wantsOutcome));
    }

    /// <summary>
    /// The write now stands at <paramref name="state"/> (durable at least). With <paramref name="finalOnly"/>, callers
    /// waiting for the outcome keep waiting unless it is settled.
    /// </summary>
    public void Answer(string operationId, OperationState state, bool finalOnly)
    {
        if (!_byOperation.TryGetValue(operationId, out var list)) return;
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var waiter = list[i];
            if (finalOnly && waiter.WantsOutcome && !state.IsFinal) continue;
            waiter.Timer?.Cancel();
            waiter.ReplyTo.Tell(state);
            list.RemoveAt(i);
        }
        if (list.Count == 0) _byOperation.Remove(operationId);
    }

    /// <summary>
    /// A caller's wait ended. A write still being stored is answered as soon as it is durable; a durable one is
    /// answered now with where it stands (<paramref name="durableState"/>).
    /// </summary>
    public void Ended(WaitEnded ended, OperationState? durableState)
    {
        if (!_byOperation.TryGetValue(ended.OperationId, out var list)) return;
        var index = list.FindIndex(w => w.ReplyTo.Equals(ended.ReplyTo));
        if (index < 0) return;
        if (durableState is null)
        {
            list[index].WantsOutcome = false;
            return;
        }
        ended.ReplyTo.Tell(durableState);
        list.RemoveAt(index);
        if (list.Count == 0) _byOperation.Remove(ended.OperationId);
    }

    /// <summary>Answers everyone waiting on one operation with <paramref name="answer"/> (e.g. the journal refused it).</summary>
    public void Refuse(string operationId, object answer)
    {
        if (!_byOperation.Remove(operationId, out var list)) return;
        foreach (var waiter in list)
        {
            waiter.Timer?.Cancel();
            waiter.ReplyTo.Tell(answer);
        }
    }

    /// <summary>The session is going: every caller hears the answer for its operation now.</summary>
    public void AnswerAll(Func<string, object> answerFor)
    {
        foreach (var operationId in _byOperation.Keys.ToList()) Refuse(operationId, answerFor(operationId));
    }

    /// <summary>Scheduled at <see cref="Add"/> for a caller that waits for the outcome.</summary>
    public sealed record WaitEnded(string OperationId, IActorRef ReplyTo);

    private sealed class Waiter(IActorRef replyTo, ICancelable? timer, bool wantsOutcome)
    {
        public IActorRef ReplyTo { get; } = replyTo;
        public ICancelable? Timer { get; } = timer;
        /// <summary>Still waiting for the outcome, not only for durability (cleared when the wait window ends).</summary>
        public bool WantsOutcome { get; set; } = wantsOutcome;
    }
}
