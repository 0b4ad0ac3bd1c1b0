using System.Text.Json;
using HealthGateway.Bench.Common;
using HealthGateway.Bench.LoadGen;

// bench/LoadGen: HTTP load against the gateway or a baseline.
//   --url http://127.0.0.1:5491 --key <dev-signing-key.pem> --units 500 --first-unit 0 --patients 20 --seed 42
//   closed loop (throughput): --mode closed --concurrency 64 --seconds 10 [--requests N]
//   open loop (latency):      --mode open --rate 5000 --seconds 10 [--connections 256]
//   [--write]  POST appointments with Prefer: respond-async instead of GET   [--out result.json]
var options = new BenchArgs(args);
var url = new Uri(options.Get("url", "http://127.0.0.1:5491"));
var mode = options.Get("mode", "closed");
var seconds = options.Double("seconds", 10);
var concurrency = options.Int("concurrency", 64);

ThreadPool.SetMinThreads(Math.Max(64, concurrency), 64);
var requests = new RequestFactory(url, new BenchTokens(options.Require("key")), options.Int("first-unit", 0),
    options.Int("units", 500), options.Int("patients", 20), options.Int("seed", 42), options.Flag("write"));
using var client = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = mode == "open" ? options.Int("connections", 256) : concurrency,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    UseCookies = false,
    AutomaticDecompression = System.Net.DecompressionMethods.None,
}) { Timeout = TimeSpan.FromSeconds(30) };

var runner = new LoadRunner(client, requests);
var result = mode == "open"
    ? await runner.OpenAsync(options.Double("rate", 5000), TimeSpan.FromSeconds(seconds))
    : await runner.ClosedAsync(concurrency, TimeSpan.FromSeconds(seconds), options.Int("requests", 0));

var json = JsonSerializer.Serialize(result, LoadResultJsonContext.Default.LoadResult);
Console.WriteLine(json);
var outPath = options.Get("out", "");
if (outPath.Length > 0) await File.WriteAllTextAsync(outPath, json);
return result.Requests > 0 ? 0 : 1;
