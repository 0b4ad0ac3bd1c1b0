using System.Threading.Channels;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// The single writer of the audit trail, with group commit: requests queue their record and wait; the
/// writer takes everything queued (up to <see cref="MaxBatch"/>) and stores it in one transaction, then
/// releases all of those requests at once. Under load many records share one fsync; alone, a record
/// is written at once. A failed batch fails every request in it (they answer 503).
/// </summary>
public sealed class AuditLog(IAuditStore store, ILogger<AuditLog> logger) : BackgroundService
{
    public const int MaxBatch = 512;

    /// <summary>Bounded: when the store falls behind, requests wait to enqueue rather than pile up in memory.</summary>
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Completes once the record is durable.</summary>
    /// <exception cref="AuditUnavailableException">It could not be stored (or the gateway is stopping).</exception>
    public async Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        var pending = new Pending(record, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            if (!_queue.Writer.TryWrite(pending)) await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException e)
        {
            throw new AuditUnavailableException(e);
        }
        // Not cancellable once queued: the record will be written whether or not the client is still there.
        await pending.Stored.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var records = new List<AuditRecord>(MaxBatch);
        // Runs until the queue is completed and drained (StopAsync), not until stoppingToken: queued records are written.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                records.Add(next.Record);
            }
            try
            {
                await store.AppendAsync(records, CancellationToken.None);
                foreach (var p in batch) p.Stored.TrySetResult();
            }
            catch (Exception e)
            {
                logger.LogError(e, "audit store failed; {Count} requests answer 503", batch.Count);
                var failure = new AuditUnavailableException(e);
                foreach (var p in batch) p.Stored.TrySetException(failure);
            }
            batch.Clear();
            records.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private sealed record Pending(AuditRecord Record, TaskCompletionSource Stored);
}
