namespace HealthGateway.UnitNode.Connection;

/// <summary>How an attempt at one gateway address ended, as <see cref="ReconnectPolicy"/> needs to know it.</summary>
/// <param name="RetryAfter">The gateway's hint (HTTP <c>Retry-After</c> or <c>retryAfterMs</c>): the least time before that gateway is tried again.</param>
/// <param name="ResetsBackoff">The backoff starts over: the session lasted long enough to count as healthy, or the
/// gateway closed with 4004 after holding the attempt for its whole attach timeout (the cluster was moving the
/// session; the unit already waited, and growing the backoff would only delay it once the session is back).</param>
internal sealed record AttemptOutcome(AttemptEnd End, TimeSpan? RetryAfter = null, bool ResetsBackoff = false);
