using System.Threading.RateLimiting;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>What a <see cref="TokenBuckets"/> take answers as a rate-limit lease: granted, or refused with a Retry-After.</summary>
public sealed class TokenBucketLease : RateLimitLease
{
    public static readonly TokenBucketLease Granted = new(true, TimeSpan.Zero);

    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan _retryAfter;

    private TokenBucketLease(bool acquired, TimeSpan retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public static TokenBucketLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : RetryAfterOnly;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = !IsAcquired && metadataName == MetadataName.RetryAfter.Name ? _retryAfter : null;
        return metadata is not null;
    }
}
