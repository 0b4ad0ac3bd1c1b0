using System.Diagnostics;
using HdrHistogram;
using HealthGateway.Bench.Common;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;

// bench/DirectoryBench --patients 5000000 --dir <temp dir> [--lookups 200000]
// Bulk load through the path unit registrations take (PatientDirectoryStore.ApplyAsync, batches of 500
// events, one transaction each), then lookups: uncached (the SQLite query) and cached (PatientDirectory hit).
var arguments = new BenchArgs(args);
var patients = arguments.Int("patients", 5_000_000);
var lookups = arguments.Int("lookups", 200_000);
var dir = arguments.Get("dir", Path.Combine(Path.GetTempPath(), "hgw-directory-bench"));
const int units = 500;
Directory.CreateDirectory(dir);
var database = new SqliteDatabase(Path.Combine(dir, "gateway.db"));
var store = new PatientDirectoryStore(database);

var load = Stopwatch.StartNew();
var at = DateTimeOffset.UtcNow.AddDays(-1);
var batch = new List<UnitChange>(ProtocolConstants.MaxEventsPerFrame);
for (var i = 0; i < patients; i += batch.Count)
{
    batch.Clear();
    var unit = $"unit-{i / ProtocolConstants.MaxEventsPerFrame % units:D4}";
    for (var j = i; j < Math.Min(patients, i + ProtocolConstants.MaxEventsPerFrame); j++)
        batch.Add(new UnitChange(j + 1, $"evt-{j}", UnitEventKinds.PatientRegistered, Patient(j), at, """{"displayName":"Bench P."}"""));
    await store.ApplyAsync(unit, batch, CancellationToken.None);
}
load.Stop();
var bulkRowsPerSecond = patients / load.Elapsed.TotalSeconds;

var random = new Random(42);
var uncached = new LongHistogram(TimeSpan.TicksPerSecond, 3);
var uncachedCount = Math.Min(lookups, 50_000);
for (var i = 0; i < uncachedCount; i++)
{
    var id = Patient(random.Next(patients));
    var start = Stopwatch.GetTimestamp();
    var unit = await store.FindUnitAsync(id, CancellationToken.None);
    uncached.RecordValue(Math.Max(1, Stopwatch.GetElapsedTime(start).Ticks));
    if (unit is null) throw new InvalidOperationException($"{id} not found");
}

var options = Options.Create(new GatewayOptions { DirectoryCacheSize = 200_000, DirectoryCacheTtl = TimeSpan.FromHours(1) });
using var directory = new PatientDirectory(store, options);
var hot = Enumerable.Range(0, 100_000).Select(_ => Patient(random.Next(patients))).Distinct().ToArray();
foreach (var id in hot) await directory.FindUnitAsync(id, CancellationToken.None);
var cached = new LongHistogram(TimeSpan.TicksPerSecond, 3);
for (var i = 0; i < lookups * 5; i++)
{
    var id = hot[random.Next(hot.Length)];
    var start = Stopwatch.GetTimestamp();
    await directory.FindUnitAsync(id, CancellationToken.None);
    cached.RecordValue(Math.Max(1, Stopwatch.GetElapsedTime(start).Ticks));
}

double Us(LongHistogram h, double p) => Math.Round(h.GetValueAtPercentile(p) / 10.0, 2); // ticks (100 ns) to us
var fileMb = new FileInfo(Path.Combine(dir, "gateway.db")).Length / 1e6;
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, double>
{
    ["patients"] = patients,
    ["bulkLoadSeconds"] = Math.Round(load.Elapsed.TotalSeconds, 1),
    ["bulkRowsPerSecond"] = Math.Round(bulkRowsPerSecond),
    ["uncachedP50Us"] = Us(uncached, 50),
    ["uncachedP99Us"] = Us(uncached, 99),
    ["uncachedP999Us"] = Us(uncached, 99.9),
    ["cachedP50Us"] = Us(cached, 50),
    ["cachedP99Us"] = Us(cached, 99),
    ["cachedP999Us"] = Us(cached, 99.9),
    ["dbFileMb"] = Math.Round(fileMb),
}));
return 0;

static string Patient(int n) => $"pat-{n:D8}";
