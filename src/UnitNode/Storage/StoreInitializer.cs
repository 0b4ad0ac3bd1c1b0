using System.Diagnostics;
using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Seeding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Storage;

/// <summary>
/// Creates the schema and seeds demo patients before anything else starts (hosted services start in
/// registration order, and this one is registered first), so the gateway client never sees a half-made store.
/// </summary>
internal sealed partial class StoreInitializer(
    UnitDatabase database,
    DemoSeeder seeder,
    OutboxStore outbox,
    IOptions<UnitOptions> options,
    ILogger<StoreInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Initialize();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Initialize()
    {
        var unit = options.Value;
        database.EnsureCreated();
        if (unit.SeedPatients > 0)
        {
            var watch = Stopwatch.StartNew();
            var created = seeder.Seed(unit.Id, unit.SeedPatients);
            LogSeeded(logger, unit.Id, created, unit.SeedPatients, watch.ElapsedMilliseconds);
        }
        LogReady(logger, unit.Id, database.FilePath, outbox.CountUnacked());
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: seeded {Created} new demo patients ({Requested} requested) in {ElapsedMs} ms")]
    private static partial void LogSeeded(ILogger logger, string unitId, int created, int requested, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit {UnitId}: store ready at {Path}; {Unacked} outbox events not yet acknowledged")]
    private static partial void LogReady(ILogger logger, string unitId, string path, long unacked);
}
