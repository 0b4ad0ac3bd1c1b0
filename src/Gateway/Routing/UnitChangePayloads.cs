using System.Text.Json;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Routing;

/// <summary>The payload rules of the event kinds that change the directory (docs/protocol.md section 10).</summary>
public static class UnitChangePayloads
{
    /// <summary>Null when the payload fits the kind, else why not. Kinds without a directory role are not checked.</summary>
    public static string? Check(UnitChange change) => change.Kind switch
    {
        UnitEventKinds.PatientRegistered => Decode(change, ProtocolJsonContext.Default.PatientRegistered, out var registered) ??
            (string.IsNullOrWhiteSpace(registered!.DisplayName) ? "'displayName' must not be blank" : null),
        UnitEventKinds.PatientReleased => ReleasedTo(change, out _),
        _ => null,
    };

    /// <summary>The unit a <c>patient.released</c> names, or why the payload does not name one.</summary>
    public static string? ReleasedTo(UnitChange change, out string toUnitId)
    {
        toUnitId = "";
        if (Decode(change, ProtocolJsonContext.Default.PatientReleased, out var released) is { } error) return error;
        if (string.IsNullOrWhiteSpace(released!.ToUnitId) || released.ToUnitId.Length > ProtocolConstants.MaxIdLength)
            return $"'toUnitId' must be 1 to {ProtocolConstants.MaxIdLength} characters";
        toUnitId = released.ToUnitId;
        return null;
    }

    private static string? Decode<T>(UnitChange change, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out T? value)
    {
        value = default;
        if (change.PayloadJson is null) return $"a '{change.Kind}' event needs its payload";
        try
        {
            value = JsonSerializer.Deserialize(change.PayloadJson, type);
            return value is null ? $"a '{change.Kind}' payload must be an object" : null;
        }
        catch (JsonException e)
        {
            return $"the '{change.Kind}' payload does not fit its contract: {e.Message}";
        }
    }
}
