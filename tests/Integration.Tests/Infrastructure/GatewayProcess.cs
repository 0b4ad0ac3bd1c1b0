using System.Net;
using HealthGateway.Gateway.Auth;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>The gateway as a separate OS process on a fixed loopback port, so a test can kill -9 it and start it again.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private ChildProcess? _process;
    private readonly IDictionary<string, string>? _environment;

    public GatewayProcess(string dataDirectory, IDictionary<string, string>? settings = null, IDictionary<string, string>? environment = null)
    {
        _environment = environment;
        DataDirectory = dataDirectory;
        Port = FreePort.Next();
        Settings = settings ?? new Dictionary<string, string>();
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public IDictionary<string, string> Settings { get; }
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");
    public Uri WebSocketBase => new($"ws://127.0.0.1:{Port}");
    public HttpClient Http { get; }
    public string Output => _process?.Output ?? "";

    /// <summary>Tokens signed with the gateway's dev key (created by the first start).</summary>
    public TokenIssuer Tokens => new(DevSigningKey.LoadOrCreate(DevSigningKey.DefaultPath(DataDirectory)), new AuthOptions());

    public async Task<TimeSpan> StartAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var args = new List<string>
        {
            "--urls", BaseUrl.ToString().TrimEnd('/'),
            "--Gateway:DataDirectory", DataDirectory,
            "--Auth:AllowDevKey", "true",
            "--RateLimits:PerCallerPerSecond", "100000", "--RateLimits:PerCallerBurst", "100000",
            "--RateLimits:WritesPerUnitPerSecond", "100000", "--RateLimits:WritesPerUnitBurst", "100000",
        };
        foreach (var (key, value) in Settings) args.AddRange([$"--{key}", value]);
        _process = ChildProcess.Start(RepoPaths.GatewayDll, args, _environment);

        await Eventually.AssertAsync(async () =>
        {
            Assert.False(_process.HasExited, $"gateway exited:\n{_process.Output}");
            var response = await Http.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }, TimeSpan.FromSeconds(90));
        return started.Elapsed;
    }

    /// <summary>SIGTERM: graceful stop (leaves the cluster, hands shards off); false if it had to be killed.</summary>
    public Task<bool> StopAsync(TimeSpan? timeout = null) => _process?.TerminateAsync(timeout ?? TimeSpan.FromSeconds(60)) ?? Task.FromResult(true);

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>kill -9.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null) await _process.DisposeAsync();
    }
}
