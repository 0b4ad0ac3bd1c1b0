using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// Admission control for unit attaches on this node: a token bucket (<see cref="UnitAdmissionOptions"/>). A refused
/// caller is told when to come back, and the hints are spread: each refusal is promised the next free slot after the
/// ones already promised, so the refused herd returns at the admitted rate, not all together one second later.
/// Also spreads the hints of a graceful shutdown (<see cref="ShutdownHint"/>). Thread-safe; one per node.
/// </summary>
public sealed class UnitAttachAdmission(IOptions<UnitAdmissionOptions> options, TimeProvider time)
{
    private readonly UnitAdmissionOptions _options = options.Value;
    private readonly Lock _gate = new();
    private double _tokens = options.Value.Burst;
    private long _refilledAt = time.GetTimestamp();
    // The time (timestamp) promised to the latest refused caller.
    private long _lastPromise;

    public UnitAttachAdmission(IOptions<UnitAdmissionOptions> options) : this(options, TimeProvider.System) { }

    /// <summary>The gap between two admitted attaches at the sustained rate.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(1.0 / _options.AttachesPerSecond);

    /// <summary>Takes a slot now, or says how long to wait for one.</summary>
    public bool TryAdmit(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_options.Burst, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * _options.AttachesPerSecond);
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            // The next slot after the last one promised (or after now, once those promises are in the past).
            var max = TimeSpan.FromSeconds(_options.MaxRetryAfterSeconds);
            var from = _lastPromise > now ? time.GetElapsedTime(now, _lastPromise) : TimeSpan.Zero;
            retryAfter = from + Interval;
            if (retryAfter > max) retryAfter = max; // the queue is longer than we promise: the tail shares the last hint
            else _lastPromise = now + (long)(retryAfter.TotalSeconds * time.TimestampFrequency);
            return false;
        }
    }

    /// <summary>
    /// The hint for the <paramref name="index"/>-th of this node's sockets closed by a graceful shutdown: one admission
    /// interval apart, plus up to one interval of jitter, so the units land on the other nodes at their admitted rate.
    /// </summary>
    public TimeSpan ShutdownHint(int index) =>
        TimeSpan.FromMilliseconds(Math.Min((index + Random.Shared.NextDouble()) * Interval.TotalMilliseconds, _options.MaxRetryAfterSeconds * 1000.0));
}
