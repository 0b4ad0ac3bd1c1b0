using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql.Hosting;
using HealthGateway.Bench.Common;
using HealthGateway.Gateway.Hosting;
using HealthGateway.Gateway.Storage;
using LinqToDB;
using LinqToDB.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// bench/RecoveryBench [--actors 2000] [--events 3] [--rounds 3] [--dir <temp dir>] [--options gateway|likesql|notakeparam]
//                     [--concurrency N (akka.persistence.max-concurrent-recoveries; default: hocon/sharding.hocon's)]
// Seeds N persistence ids with a few events each (a session's shape after ADR 14's snapshot on attach), then
// restarts the actor system and recovers all of them at once, as a gateway restart does (max-concurrent-recoveries
// from hocon/), several rounds in one process: round 1 includes the JIT, later rounds are steady state.
// Prints process CPU per recovery for each round.
var options = new BenchArgs(args);
var actors = options.Int("actors", 2000);
var events = options.Int("events", 3);
var rounds = options.Int("rounds", 3);
var variant = options.Get("options", "gateway");
var concurrency = options.Int("concurrency", 0);
var dir = options.Get("dir", Path.Combine(Path.GetTempPath(), $"hgw-recovery-bench-{Environment.ProcessId}"));
Directory.CreateDirectory(dir);
var database = new SqliteDatabase(Path.Combine(dir, "gateway.db"));
var dataOptions = variant switch
{
    "gateway" => database.PersistenceDataOptions,
    "likesql" => database.PersistenceDataOptions.UseCompareNulls(CompareNulls.LikeSql),
    "notakeparam" => database.PersistenceDataOptions.UseParameterizeTakeSkip(false),
    _ => throw new ArgumentException($"unknown --options {variant}"),
};

using var host = new HostBuilder()
    .ConfigureServices(services => services.AddAkka("recovery-bench", (akka, _) => akka
        .AddHocon(HoconFiles.Load(), HoconAddMode.Prepend)
        .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
        .AddHocon(concurrency > 0 ? $"akka.persistence.max-concurrent-recoveries = {concurrency}" : "", HoconAddMode.Prepend)
        .WithSqlPersistence(dataOptions: dataOptions, autoInitialize: true)))
    .Build();
await host.StartAsync();
var system = host.Services.GetRequiredService<ActorSystem>();

// Seed: every id gets its events (persisted concurrently, group-committed as at the gateway).
var seeded = Enumerable.Range(0, events > 0 ? actors : 0).Select(i => system.ActorOf(Props.Create(typeof(Session), $"bench-{i}"))).ToList();
await Task.WhenAll(seeded.Select(a => a.Ask<int>(new Session.Append(events), TimeSpan.FromMinutes(2))));
await Task.WhenAll(seeded.Select(a => a.GracefulStop(TimeSpan.FromSeconds(30))));
Console.WriteLine($"options={variant} actors={actors} events/actor={events} max-concurrent-recoveries={system.Settings.Config.GetInt("akka.persistence.max-concurrent-recoveries")}");
Console.WriteLine("| round | recoveries | wall s | CPU ms per recovery | SQL texts built per recovery |");
Console.WriteLine("|---|---|---|---|---|");

// linq2db reports each SQL text it builds (a query whose SQL is cached builds it once, not per execution).
var sqlBuilds = 0;
ActivityService.AddFactory(id => id == ActivityID.BuildSql ? new Counted(() => Interlocked.Increment(ref sqlBuilds)) : null);
var process = Process.GetCurrentProcess();
for (var round = 1; round <= rounds; round++)
{
    process.Refresh();
    var cpu0 = process.TotalProcessorTime;
    var builds0 = Volatile.Read(ref sqlBuilds);
    var wall = Stopwatch.StartNew();
    var recovered = Enumerable.Range(0, actors).Select(i => system.ActorOf(Props.Create(typeof(Session), $"bench-{i}"))).ToList();
    var counts = await Task.WhenAll(recovered.Select(a => a.Ask<int>(Session.Count.Instance, TimeSpan.FromMinutes(2))));
    wall.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpu0;
    if (counts.Any(c => c != events)) throw new InvalidOperationException("a recovery lost events");
    Console.WriteLine($"| {round} | {actors} | {wall.Elapsed.TotalSeconds:F2} | {cpu.TotalMilliseconds / actors:F3} | {(double)(Volatile.Read(ref sqlBuilds) - builds0) / actors:F2} |");
    await Task.WhenAll(recovered.Select(a => a.GracefulStop(TimeSpan.FromSeconds(30))));
}
await host.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(dir, recursive: true);

/// <summary>Counts one linq2db activity when it starts.</summary>
internal sealed class Counted : ActivityBase
{
    public Counted(Action onStart) : base(ActivityID.BuildSql) => onStart();
    public override void Dispose() { }
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A persistent actor with a session's recovery shape: events only, replayed and counted.</summary>
internal sealed class Session : ReceivePersistentActor
{
    public sealed record Append(int Events);
    public sealed class Count { public static readonly Count Instance = new(); }

    private int _events;

    public Session(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<string>(_ => _events++);
        Command<Count>(_ => Sender.Tell(_events));
        Command<Append>(append =>
        {
            var sender = Sender;
            PersistAll(Enumerable.Range(0, append.Events).Select(n => $"event-{n}"), _ =>
            {
                if (++_events == append.Events) sender.Tell(_events);
            });
        });
    }

    public override string PersistenceId { get; }
}
