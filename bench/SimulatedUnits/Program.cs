using HealthGateway.Bench.Common;
using HealthGateway.Bench.SimulatedUnits;

// bench/SimulatedUnits: N units in one process against a gateway (or the relay / SignalR baselines).
//   --url http://127.0.0.1:5491  --units 500  --first 0  --patients 20  --key <dev-signing-key.pem>
//   --mode protocol|signalr  --status <file>  [--exit-after-applied N]
var options = new BenchArgs(args);
var url = new Uri(options.Get("url", "http://127.0.0.1:5491"));
var units = options.Int("units", 500);
var first = options.Int("first", 0);
var patients = options.Int("patients", 20);
var mode = options.Get("mode", "protocol");
var statusPath = options.Get("status", "");
var exitAfterApplied = options.Int("exit-after-applied", 0);
var tokens = new BenchTokens(options.Require("key"));

ThreadPool.SetMinThreads(64, 64);
var stop = new CancellationTokenSource(); // not disposed: ProcessExit may cancel it after Main returns
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel(); // SIGTERM from bench/run.sh

var stats = new UnitStats();
var wsBase = new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws" }.Uri;
var runs = new List<Task>(units);
for (var i = first; i < first + units; i++)
{
    var token = tokens.Unit(BenchIds.Unit(i));
    runs.Add(mode == "signalr"
        ? new SignalRUnit(i, url, token, patients, stats).RunAsync(stop.Token)
        : new ProtocolUnit(i, wsBase, token, patients, stats).RunAsync(stop.Token));
    if (i % 100 == 99) await Task.Delay(20); // don't open thousands of sockets in the same millisecond
}

while (!stop.IsCancellationRequested)
{
    var line = stats.ToJson();
    if (statusPath.Length > 0)
    {
        await File.WriteAllTextAsync(statusPath + ".tmp", line);
        File.Move(statusPath + ".tmp", statusPath, overwrite: true);
    }
    if (exitAfterApplied > 0 && stats.Applied >= exitAfterApplied)
    {
        await Task.Delay(200); // let the last ack go out
        Console.WriteLine(stats.ToJson());
        return 0;
    }
    try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
}
Console.WriteLine(stats.ToJson());
return 0;
