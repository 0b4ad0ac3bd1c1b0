using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Routing;

/// <summary>
/// Routes a patient to the unit that holds their records: a bounded in-memory cache in front of
/// <see cref="PatientDirectoryStore"/>. Entries expire after a short TTL so that a transfer
/// recorded through another gateway node is seen here soon; a unit answering "not found" also
/// evicts the entry at once (see <see cref="Evict"/>).
/// </summary>
public sealed class PatientDirectory : IDisposable
{
    private readonly PatientDirectoryStore _store;
    private readonly MemoryCache _cache;
    private readonly MemoryCacheEntryOptions _entryOptions;

    public PatientDirectory(PatientDirectoryStore store, IOptions<GatewayOptions> options)
    {
        _store = store;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.DirectoryCacheSize });
        _entryOptions = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.DirectoryCacheTtl };
    }

    /// <exception cref="DirectoryUnavailableException">The database could not be read (callers answer 503).</exception>
    public async ValueTask<string?> FindUnitAsync(string patientId, CancellationToken ct)
    {
        if (_cache.TryGetValue(patientId, out string? unitId)) return unitId;
        try
        {
            unitId = await _store.FindUnitAsync(patientId, ct);
        }
        catch (System.Data.Common.DbException e)
        {
            throw new DirectoryUnavailableException(e);
        }
        if (unitId is not null) _cache.Set(patientId, unitId, _entryOptions);
        return unitId;
    }

    public void Evict(string patientId) => _cache.Remove(patientId);

    /// <summary>Judges and records the changes reported by <paramref name="unitId"/> (see <see cref="PatientDirectoryStore"/>).</summary>
    public async Task<IReadOnlyList<UnitChangeVerdict>> ApplyAsync(string unitId, IReadOnlyList<UnitChange> events, CancellationToken ct)
    {
        var verdicts = await _store.ApplyAsync(unitId, events, ct);
        foreach (var verdict in verdicts)
            if (verdict.Accepted && verdict.Change.Kind is UnitEventKinds.PatientRegistered or UnitEventKinds.PatientDeparted or UnitEventKinds.PatientReleased)
                _cache.Remove(verdict.Change.PatientId);
        return verdicts;
    }

    /// <summary>An administrator's transfer (the caller audits it). Null when the patient is unknown.</summary>
    public async Task<PatientTransfer?> TransferAsync(string patientId, string toUnitId, CancellationToken ct)
    {
        var transfer = await _store.TransferAsync(patientId, toUnitId, ct);
        _cache.Remove(patientId);
        return transfer;
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>The patient directory's database did not answer; the request gets 503, not 500.</summary>
public sealed class DirectoryUnavailableException(Exception inner) : Exception("patient directory unavailable", inner);
