namespace HealthGateway.Gateway.Units.Messages;

/// <summary>Messages a <c>UnitConnectionActor</c> accepts from the rest of the gateway.</summary>
public static class UnitConnectionCommands
{
    /// <summary>Send a read to the unit; the reply goes to the original sender of the read.</summary>
    public sealed record SendRead(UnitSessionCommands.RouteRead Read);

    /// <summary>
    /// Close the socket with this code (gateway shutdown, ops). <paramref name="RetryAfterMs"/>: when the unit should
    /// come back (sent in the error frame before the close; shutdown spreads it over the node's units).
    /// </summary>
    public sealed record Close(int Code, string Reason, int? RetryAfterMs = null);
}
