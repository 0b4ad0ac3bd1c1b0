namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Operation ids carry the unit they were sent to (<c>{32 hex}.{unitId}</c>) so that
/// <c>GET /api/v1/operations/{id}</c> routes to the right session without a lookup table.
/// The id is also the message id (idempotency key) the unit records when it applies the write.
/// </summary>
public static class OperationId
{
    private const int RandomPartLength = 32;

    public static string New(string unitId) => $"{Guid.NewGuid():N}.{unitId}";

    public static bool TryGetUnit(string operationId, out string unitId)
    {
        unitId = "";
        if (operationId.Length < RandomPartLength + 2 || operationId[RandomPartLength] != '.') return false;
        foreach (var c in operationId.AsSpan(0, RandomPartLength))
            if (!char.IsAsciiHexDigitLower(c)) return false;
        unitId = operationId[(RandomPartLength + 1)..];
        return unitId.Length > 0;
    }
}
