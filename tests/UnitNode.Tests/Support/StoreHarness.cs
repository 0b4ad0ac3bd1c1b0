using System.Text.Json;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Seeding;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Writes;
using Microsoft.Extensions.Logging.Abstractions;

namespace HealthGateway.UnitNode.Tests.Support;

/// <summary>A unit store on a real SQLite file in a temp folder, with the pieces wired as the host wires them.</summary>
public sealed class StoreHarness : IDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory? _ownedDirectory;
    private int _signals;

    public StoreHarness(string unitId = "unit-1", string? directory = null)
    {
        if (directory is null) _ownedDirectory = new TempDirectory();
        UnitId = unitId;
        Database = new UnitDatabase(System.IO.Path.Combine(directory ?? _ownedDirectory!.Path, unitId + ".db"));
        Database.EnsureCreated();
        Signal.Appended += () => Interlocked.Increment(ref _signals);
        Store = new UnitStore(Database, Signal, Time);
        Outbox = new OutboxStore(Database);
        Seeder = new DemoSeeder(Database, Signal, Time);
        Applier = new DeliveryApplier(Database, Signal, Time, new UnitIdentity(unitId), NullLogger<DeliveryApplier>.Instance);
    }

    public string UnitId { get; }
    public ManualTimeProvider Time { get; } = new(DefaultNow);
    public OutboxSignal Signal { get; } = new();
    public UnitDatabase Database { get; }
    public UnitStore Store { get; }
    public OutboxStore Outbox { get; }
    public DemoSeeder Seeder { get; }
    public DeliveryApplier Applier { get; }
    public int SignalCount => Volatile.Read(ref _signals);

    public static Deliver Deliver(long seq, string messageId, string operation, string patientId, object payload,
        DateTimeOffset? expiresAt = null) =>
        new(seq, messageId, operation, patientId, expiresAt ?? DefaultNow.AddHours(1),
            JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));

    public long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    public void Dispose() => _ownedDirectory?.Dispose();
}
