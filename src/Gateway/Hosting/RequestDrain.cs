namespace HealthGateway.Gateway.Hosting;

/// <summary>
/// A graceful stop lets the HTTP requests in flight finish while the node is still a full cluster member, and turns
/// away the ones that arrive after with a quick 503. Without it, a write that arrived while the node was leaving
/// waited for an actor system that had already gone (<c>Gateway:WriteAcceptTimeout</c>) before its 503, and a
/// SIGTERM took 10-14 s to end the process (ADR 18).
/// </summary>
public sealed class RequestDrain
{
    private int _inFlight;
    private int _draining;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request; the caller checks <see cref="IsDraining"/> after, so none slips past a drain.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && IsDraining) _idle.TrySetResult();
    }

    /// <summary>From now on new requests are refused; completes when none is in flight, or after <paramref name="within"/>.</summary>
    public async Task DrainAsync(TimeSpan within)
    {
        Interlocked.Exchange(ref _draining, 1);
        if (InFlight == 0) return;
        await Task.WhenAny(_idle.Task, Task.Delay(within));
    }
}
