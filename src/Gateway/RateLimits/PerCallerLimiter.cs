using System.Threading.RateLimiting;
using HealthGateway.Gateway.Auth;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>
/// The per-caller limit (role + subject) for endpoints marked with <see cref="PerCallerLimit"/>, as ASP.NET Core's global
/// limiter: partners have their own (usually larger) buckets, since one partner client serves many patients. Other
/// endpoints pass untouched. Lazy token buckets (<see cref="TokenBuckets"/>): no timer per caller, no sweep.
/// </summary>
public sealed class PerCallerLimiter(RateLimitOptions limits, TimeProvider time) : PartitionedRateLimiter<HttpContext>
{
    private readonly TokenBuckets _callers = new(limits.PerCallerBurst, limits.PerCallerPerSecond, time);
    private readonly TokenBuckets _partners = new(limits.PartnerBurst ?? limits.PerCallerBurst, limits.PartnerPerSecond ?? limits.PerCallerPerSecond, time);

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext http, int permitCount)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<PerCallerLimit>() is null) return TokenBucketLease.Granted;
        var caller = Caller.From(http.User);
        var buckets = caller.Role == Roles.Partner ? _partners : _callers;
        return buckets.TryTake(caller.RequestedBy, out var retryAfter) ? TokenBucketLease.Granted : TokenBucketLease.Refused(retryAfter);
    }

    // Never queues: a caller over its limit is answered 429 at once.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext http, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(http, permitCount));
}
