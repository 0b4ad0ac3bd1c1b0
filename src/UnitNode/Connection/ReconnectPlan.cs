namespace HealthGateway.UnitNode.Connection;

/// <summary>The next attempt: which address, after how long, and whether a gateway's hint set the delay.</summary>
internal sealed record ReconnectPlan(Uri Endpoint, TimeSpan Delay, bool Hinted);
