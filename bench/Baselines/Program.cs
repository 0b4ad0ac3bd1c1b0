using HealthGateway.Bench.Baselines;
using HealthGateway.Bench.Common;

// bench/Baselines --mode direct|relay|signalr --key <dev-signing-key.pem> [--token-cache 100000] --urls http://127.0.0.1:5492
var options = new BenchArgs(args);
var mode = options.Get("mode", "direct");
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
builder.Services.AddBaselineAuth(options.Require("key"), options.Int("token-cache", 100_000));
if (mode == "signalr")
{
    builder.Services.AddSignalR(o => o.MaximumParallelInvocationsPerClient = 1).AddJsonProtocol();
    builder.Services.AddSingleton<UnitRegistry>();
}

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/healthz/ready", () => "ok");
switch (mode)
{
    case "direct": DirectJson.Map(app); break;
    case "relay": new PlainRelay().Map(app); break;
    case "signalr": SignalRRelay.Map(app); break;
    default: throw new ArgumentException($"unknown --mode {mode}");
}
await app.RunAsync();
