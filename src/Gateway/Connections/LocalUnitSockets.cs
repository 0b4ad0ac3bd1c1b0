using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace HealthGateway.Gateway.Connections;

/// <summary>
/// The attached unit sockets held by this node, by unit id: a read whose unit is connected here goes
/// straight to its <see cref="UnitSocket"/> (ADR 10); any other read goes through the unit's session.
/// A connection lists itself once attached and takes itself off when it starts closing.
/// </summary>
public sealed class LocalUnitSockets
{
    private readonly ConcurrentDictionary<string, UnitSocket> _byUnit = new(StringComparer.Ordinal);

    /// <summary>A newer connection for the same unit replaces the older one (which is being superseded).</summary>
    public void Register(UnitSocket socket) => _byUnit[socket.UnitId] = socket;

    /// <summary>Removes this socket only: a newer connection listed since stays.</summary>
    public void Unregister(UnitSocket socket) => _byUnit.TryRemove(KeyValuePair.Create(socket.UnitId, socket));

    public bool TryGet(string unitId, [MaybeNullWhen(false)] out UnitSocket socket) => _byUnit.TryGetValue(unitId, out socket);

    /// <summary>
    /// Every listed socket at about this moment (the node-wide sweep walks it). Enumerates the dictionary itself:
    /// <c>Values</c> would take every lock and copy thousands of entries once a second.
    /// </summary>
    public IEnumerable<UnitSocket> All
    {
        get
        {
            foreach (var (_, socket) in _byUnit) yield return socket;
        }
    }
}
