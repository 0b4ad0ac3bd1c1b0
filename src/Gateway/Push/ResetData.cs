namespace HealthGateway.Gateway.Push;

/// <summary><c>data</c> of a <c>reset</c> event: why the client must refetch.</summary>
public sealed record ResetData(string Reason);
