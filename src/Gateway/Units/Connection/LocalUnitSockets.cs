using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// This node's cache of where its units' sockets are (ADR 23): the unit's session is the one truth of which connection
/// is current; this lists a socket only from the session's own answer (<c>Attached</c> with its epoch) and drops it on
/// every transition that ends that (superseded, session lost, closing). A read whose unit is listed here goes straight
/// to its <see cref="UnitSocket"/> (ADR 10); any other read goes through the session.
/// </summary>
/// <remarks>
/// Listing and unlisting open and shut the socket's read gate under one lock, so the cache and the gates never
/// disagree: once a newer epoch of a unit is listed, the older socket on this node takes no more reads, and an older
/// epoch confirmed late (its message overtaken) can never displace a newer one. Reads look up without the lock.
/// </remarks>
public sealed class LocalUnitSockets
{
    private readonly ConcurrentDictionary<string, UnitSocket> _byUnit = new(StringComparer.Ordinal);
    private readonly Lock _transitions = new();

    /// <summary>
    /// The session confirmed <paramref name="socket"/> at <paramref name="epoch"/>: it takes reads, unless a newer epoch
    /// of the same unit is listed already (then the session has moved on and this one will be superseded).
    /// </summary>
    /// <returns>False when a newer connection is listed: the socket stays shut.</returns>
    public bool Attach(UnitSocket socket, long epoch)
    {
        lock (_transitions)
        {
            if (socket.AttachedEpoch < 0) return false; // closing: shut for good
            if (_byUnit.TryGetValue(socket.UnitId, out var listed) && !ReferenceEquals(listed, socket))
            {
                if (listed.AttachedEpoch > epoch) return false;
                listed.ShutForReads(); // superseded on this node before the newer one answers its first read
            }
            socket.OpenForReads(epoch);
            _byUnit[socket.UnitId] = socket;
            return true;
        }
    }

    /// <summary>The socket's session link ended (superseded, session lost, closing): it takes no more reads; a newer one listed since stays.</summary>
    public void Detach(UnitSocket socket)
    {
        lock (_transitions)
        {
            socket.ShutForReads();
            _byUnit.TryRemove(KeyValuePair.Create(socket.UnitId, socket));
        }
    }

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
