using System.Security.Claims;
using System.Threading.RateLimiting;
using HealthGateway.Gateway.RateLimits;
using Microsoft.AspNetCore.Http;

namespace HealthGateway.Gateway.Tests.RateLimits;

public sealed class PerCallerLimiterTests
{
    private readonly SteppedClock _clock = new();
    private readonly PerCallerLimiter _limiter;

    public PerCallerLimiterTests() =>
        _limiter = new PerCallerLimiter(new RateLimitOptions { PerCallerBurst = 2, PerCallerPerSecond = 1, PartnerBurst = 4, PartnerPerSecond = 1 }, _clock);

    private static HttpContext Request(string role, string subject, bool limited = true)
    {
        var http = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("role", role), new Claim("sub", subject)], "test")),
        };
        var metadata = limited ? new EndpointMetadataCollection(PerCallerLimit.Instance) : new EndpointMetadataCollection();
        http.SetEndpoint(new Endpoint(_ => Task.CompletedTask, metadata, "test"));
        return http;
    }

    private int Granted(HttpContext http, int tries) => Enumerable.Range(0, tries).Count(_ => _limiter.AttemptAcquire(http).IsAcquired);

    [Fact]
    public void A_caller_over_its_burst_is_refused_with_a_retry_after()
    {
        var patient = Request("patient", "p-1");
        Assert.Equal(2, Granted(patient, 10));

        using var refused = _limiter.AttemptAcquire(patient);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(1, retryAfter.TotalSeconds, 0.001);
    }

    [Fact]
    public void Callers_are_role_and_subject_and_partners_have_their_own_limit()
    {
        Assert.Equal(2, Granted(Request("patient", "p-1"), 10));
        Assert.Equal(2, Granted(Request("patient", "p-2"), 10));
        Assert.Equal(2, Granted(Request("practitioner", "p-1"), 10)); // same subject, another role: another caller
        Assert.Equal(4, Granted(Request("partner", "acme"), 10));
    }

    [Fact]
    public async Task Endpoints_without_the_mark_are_not_limited()
    {
        Assert.Equal(50, Granted(Request("patient", "p-1", limited: false), 50));
        using var lease = await _limiter.AcquireAsync(Request("patient", "p-1", limited: false));
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task Acquiring_asynchronously_never_queues()
    {
        var patient = Request("patient", "p-1");
        Assert.Equal(2, Granted(patient, 2));
        using var lease = await _limiter.AcquireAsync(patient);
        Assert.False(lease.IsAcquired);
    }
}
