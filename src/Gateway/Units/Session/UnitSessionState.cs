using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// The durable part of a unit's session, as a plain object so its rules are tested without actors.
/// <see cref="UnitSessionActor"/> decides, persists, then folds each event in with <see cref="Apply"/>.
/// </summary>
public sealed class UnitSessionState(int finishedRetention = 2_000)
{
    private readonly SortedDictionary<long, PendingWrite> _backlog = new();
    private readonly SortedSet<long> _backlogSeqs = [];
    private readonly Dictionary<string, PendingWrite> _pendingById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FinishedWrite> _finishedById = new(StringComparer.Ordinal);
    private readonly Queue<string> _finishedOrder = new();
    private readonly Dictionary<string, string> _byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly LinkedList<RefusedChange> _refusals = new();

    public long Epoch { get; private set; }
    public long LastEventSeq { get; private set; }
    public DateTimeOffset? LastAttachedAt { get; private set; }
    public string? Software { get; private set; }

    /// <summary>Highest write seq the unit settled (settlement is in seq order, so all below are settled too).</summary>
    public long LastSettledSeq { get; private set; }

    /// <summary>Highest write seq ever enqueued (seqs only grow).</summary>
    public long LastWriteSeq { get; private set; }

    /// <summary>
    /// Where the unit's delivery stream stands as far as the gateway knows: the highest settled seq, or the unit's own
    /// seq after a resync. The next delivery with nothing unsettled before it names this as its <c>prevSeq</c>.
    /// </summary>
    public long UnitStreamSeq { get; private set; }

    /// <summary>The last operator resync of the delivery stream, if any (for ops).</summary>
    public DeliveryStreamRebased? LastRebase { get; private set; }

    /// <summary>Writes not yet settled by the unit, in seq (delivery) order.</summary>
    public IReadOnlyCollection<PendingWrite> Backlog => _backlog.Values;
    public int BacklogCount => _backlog.Count;
    public int FinishedCount => _finishedById.Count;
    /// <summary>Settled writes still retained (for ops counts).</summary>
    public IEnumerable<FinishedWrite> FinishedWrites => _finishedById.Values;

    public ConnectionAttached Attach(string software, DateTimeOffset now) => new(Epoch + 1, now, software);

    /// <summary>The changes of a batch not yet accepted, in order (redeliveries are dropped here).</summary>
    public IReadOnlyList<UnitChange> Unseen(IReadOnlyList<UnitChange> batch) =>
        batch.Where(c => c.Seq > LastEventSeq).ToList();

    /// <summary>Refusals remembered for resends of already acknowledged batches (the newest <see cref="RefusalRetention"/>).</summary>
    public IReadOnlyList<RefusedChange> RefusalsBetween(long fromSeq, long toSeq) =>
        _refusals.Where(r => r.Seq >= fromSeq && r.Seq <= toSeq).ToList();

    public const int RefusalRetention = 500;

    private void RememberRefusal(RefusedChange refused)
    {
        if (_refusals.Count > 0 && _refusals.Last!.Value.Seq >= refused.Seq) return; // replayed twice (snapshot + event)
        _refusals.AddLast(refused);
        if (_refusals.Count > RefusalRetention) _refusals.RemoveFirst();
    }

    public static string ScopeKey(string requestedBy, string idempotencyKey) => $"{requestedBy}\n{idempotencyKey}";

    /// <summary>The operation an idempotency key already names, if any (pending or retained).</summary>
    public string? OperationForKey(string scopeKey) => _byIdempotencyKey.GetValueOrDefault(scopeKey);

    public PendingWrite? Pending(string operationId) => _pendingById.GetValueOrDefault(operationId);
    public FinishedWrite? Finished(string operationId) => _finishedById.GetValueOrDefault(operationId);
    public PendingWrite? PendingAt(long seq) => _backlog.GetValueOrDefault(seq);

    /// <summary>The seq of the write before <paramref name="seq"/> in the unit's stream (0 if none).</summary>
    public long PreviousSeq(long seq)
    {
        var earlier = seq > 1 && _backlogSeqs.Count > 0 ? _backlogSeqs.GetViewBetween(long.MinValue, seq - 1) : null;
        return earlier is { Count: > 0 } ? earlier.Max : Math.Min(UnitStreamSeq, seq - 1);
    }

    /// <summary>
    /// Compares the unit's <c>hello.lastAppliedSeq</c> with the gateway's stream: behind (its store lost settled writes:
    /// it would refuse every new delivery as missing its predecessor) or ahead (it applied seqs the gateway never
    /// assigned: it would reject new deliveries as out_of_order). Null when they agree.
    /// </summary>
    public DeliveryStreamMismatch? CheckDeliveryStream(long unitLastAppliedSeq, DateTimeOffset now)
    {
        if (unitLastAppliedSeq < UnitStreamSeq)
        {
            var missing = _finishedOrder.Select(id => _finishedById[id])
                .Where(f => f.Seq > unitLastAppliedSeq && f.Seq <= UnitStreamSeq)
                .OrderBy(f => f.Seq).Select(f => f.OperationId).ToList();
            return new DeliveryStreamMismatch(DeliveryStreamMismatch.UnitBehind, unitLastAppliedSeq, UnitStreamSeq, LastWriteSeq,
                UnitStreamSeq - unitLastAppliedSeq, missing, now);
        }
        return unitLastAppliedSeq > LastWriteSeq
            ? new DeliveryStreamMismatch(DeliveryStreamMismatch.UnitAhead, unitLastAppliedSeq, UnitStreamSeq, LastWriteSeq, 0, [], now)
            : null;
    }

    /// <summary>Unsettled writes with seq in [from, to], in order, without scanning the whole backlog.</summary>
    public IEnumerable<PendingWrite> BacklogBetween(long from, long to) =>
        from > to || _backlogSeqs.Count == 0 ? [] : _backlogSeqs.GetViewBetween(from, to).Select(seq => _backlog[seq]);

    public void Apply(IUnitSessionEvent e)
    {
        switch (e)
        {
            case ConnectionAttached a:
                Epoch = a.Epoch;
                LastAttachedAt = a.At;
                Software = a.Software;
                break;
            case UnitChangesAccepted c:
                LastEventSeq = Math.Max(LastEventSeq, c.UpToSeq);
                foreach (var refused in c.Refused ?? []) RememberRefusal(refused);
                break;
            case WriteEnqueued w:
                AddPending(w.Write);
                break;
            case WritesSettled s:
                foreach (var settlement in s.Settlements) Settle(settlement, s.At);
                break;
            case DeliveryStreamRebased r:
                Rebase(r);
                break;
            case UnitSessionSnapshot snap:
                Epoch = snap.Epoch;
                LastEventSeq = snap.LastEventSeq;
                LastAttachedAt = snap.LastAttachedAt;
                Software = snap.Software;
                LastWriteSeq = snap.LastWriteSeq;
                LastSettledSeq = snap.LastSettledSeq;
                UnitStreamSeq = snap.UnitStreamSeq ?? snap.LastSettledSeq;
                LastRebase = snap.LastRebase;
                foreach (var write in snap.Backlog ?? []) AddPending(write);
                foreach (var finished in snap.Finished ?? []) AddFinished(finished);
                foreach (var refused in snap.Refusals ?? []) RememberRefusal(refused);
                break;
        }
    }

    public UnitSessionSnapshot ToSnapshot() => new(
        Epoch, LastEventSeq, LastAttachedAt, Software, LastWriteSeq, LastSettledSeq,
        _backlog.Values.ToList(),
        _finishedOrder.Select(id => _finishedById[id]).ToList(),
        _refusals.Count > 0 ? _refusals.ToList() : null,
        UnitStreamSeq, LastRebase);

    private void AddPending(PendingWrite write)
    {
        _backlog[write.Seq] = write;
        _backlogSeqs.Add(write.Seq);
        _pendingById[write.OperationId] = write;
        if (write.IdempotencyKey is not null) _byIdempotencyKey[ScopeKey(write.RequestedBy, write.IdempotencyKey)] = write.OperationId;
        LastWriteSeq = Math.Max(LastWriteSeq, write.Seq);
    }

    private void Settle(Settlement settlement, DateTimeOffset at)
    {
        if (!_backlog.Remove(settlement.Seq, out var write)) return; // settled before (redelivered ack)
        _backlogSeqs.Remove(settlement.Seq);
        LastSettledSeq = Math.Max(LastSettledSeq, settlement.Seq);
        UnitStreamSeq = Math.Max(UnitStreamSeq, settlement.Seq);
        _pendingById.Remove(write.OperationId);
        AddFinished(new FinishedWrite(write.Seq, write.OperationId, write.Operation, write.PatientId, write.EnqueuedAt,
            write.ExpiresAt, write.RequestedBy, write.IdempotencyKey, write.RequestHash, settlement.Status,
            settlement.ResultJson, settlement.Reason, at));
    }

    private void AddFinished(FinishedWrite finished)
    {
        if (!_finishedById.TryAdd(finished.OperationId, finished)) return;
        _finishedOrder.Enqueue(finished.OperationId);
        if (finished.IdempotencyKey is not null) _byIdempotencyKey[ScopeKey(finished.RequestedBy, finished.IdempotencyKey)] = finished.OperationId;
        while (_finishedOrder.Count > finishedRetention)
        {
            var oldest = _finishedById[_finishedOrder.Dequeue()];
            _finishedById.Remove(oldest.OperationId);
            if (oldest.IdempotencyKey is not null) _byIdempotencyKey.Remove(ScopeKey(oldest.RequestedBy, oldest.IdempotencyKey));
        }
    }

    /// <summary>
    /// Continues the delivery stream from the unit's own seq. Unsettled writes at or below it would be refused as
    /// out_of_order, so the whole backlog is renumbered above it, in order (same operation ids: the unit still applies
    /// each once). Deterministic from the state, so replaying the journal gives the same seqs.
    /// </summary>
    private void Rebase(DeliveryStreamRebased rebase)
    {
        var unitSeq = rebase.Mismatch.UnitLastAppliedSeq;
        if (_backlogSeqs.Count > 0 && _backlogSeqs.Min <= unitSeq)
        {
            var writes = _backlog.Values.ToList();
            _backlog.Clear();
            _backlogSeqs.Clear();
            var next = unitSeq;
            foreach (var write in writes) AddPending(write with { Seq = ++next });
        }
        LastWriteSeq = Math.Max(LastWriteSeq, unitSeq);
        UnitStreamSeq = unitSeq;
        LastRebase = rebase;
    }
}
