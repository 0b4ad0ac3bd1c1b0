namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// The deliveries on the current connection: every unsettled write up to <see cref="SentUpTo"/> was sent, at most
/// a window of them unsettled at a time. Not durable: a new connection, or a resend after silence, starts again
/// from the oldest unsettled write (the unit dedupes by message id, ADR 6).
/// </summary>
public sealed class DeliveryWindow(int size)
{
    private readonly HashSet<long> _settling = [];
    private long _settledAtLastCheck;

    /// <summary>Every unsettled write up to this seq was sent on this connection.</summary>
    public long SentUpTo { get; private set; }

    /// <summary>Sent and not settled yet.</summary>
    public int InFlight { get; private set; }

    /// <summary>Sent on this connection (ops and operation status say "delivered").</summary>
    public bool WasSent(long seq) => seq <= SentUpTo;

    /// <summary>Nothing counts as sent any more: the next <see cref="Next"/> starts from the oldest unsettled write.</summary>
    public void Restart(long lastSettledSeq)
    {
        SentUpTo = 0;
        InFlight = 0;
        _settledAtLastCheck = lastSettledSeq;
    }

    /// <summary>The unsettled writes to send now, in seq order (none when the window is full); counted as sent.</summary>
    public IReadOnlyList<PendingWrite> Next(UnitSessionState state)
    {
        var room = size - InFlight;
        if (room <= 0) return [];
        var writes = state.BacklogBetween(SentUpTo + 1, long.MaxValue).Take(room).ToList();
        if (writes.Count == 0) return writes;
        SentUpTo = writes[^1].Seq;
        InFlight += writes.Count;
        return writes;
    }

    /// <summary>An outcome for this write is being stored; false if one already is (a repeated ack).</summary>
    public bool BeginSettling(long seq) => _settling.Add(seq);

    /// <summary>The journal refused the settlement: the next ack may settle the write.</summary>
    public void SettlingFailed(long seq) => _settling.Remove(seq);

    /// <summary>The outcome is durable: the write leaves the window.</summary>
    public void Settled(long seq)
    {
        _settling.Remove(seq);
        if (seq <= SentUpTo && InFlight > 0) InFlight--;
    }

    /// <summary>
    /// Checked once per ack timeout: true when writes are in flight and nothing settled since the last check (a lost
    /// delivery or ack), in which case the window restarts so that it is sent again.
    /// </summary>
    public bool RestartIfStalled(long lastSettledSeq)
    {
        var stalled = InFlight > 0 && lastSettledSeq == _settledAtLastCheck && _settling.Count == 0;
        if (stalled)
        {
            SentUpTo = 0;
            InFlight = 0;
        }
        _settledAtLastCheck = lastSettledSeq;
        return stalled;
    }
}
