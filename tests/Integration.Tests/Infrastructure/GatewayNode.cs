using Akka.Hosting;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Units.Session;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A real gateway: Kestrel on a loopback port, a cluster node, a SQLite file in <see cref="DataDirectory"/>.</summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayNode(WebApplication app, string dataDirectory, int clusterPort, HttpMessageHandler? httpHandler)
    {
        _app = app;
        DataDirectory = dataDirectory;
        ClusterPort = clusterPort;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address);
        Http = new HttpClient(httpHandler ?? new SocketsHttpHandler()) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string DataDirectory { get; }
    public int ClusterPort { get; }
    public Uri BaseUrl { get; }
    public Uri WebSocketBase => new($"{(BaseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws")}://{BaseUrl.Authority}");
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public TokenIssuer Tokens => _app.Services.GetRequiredService<TokenIssuer>();
    public Akka.Actor.ActorSystem ActorSystem => _app.Services.GetRequiredService<Akka.Actor.ActorSystem>();
    public string ClusterAddress => $"akka.tcp://gateway@127.0.0.1:{ClusterPort}";
    public Akka.Actor.IActorRef Region => _app.Services.GetRequiredService<IRequiredActor<UnitSessionRegion>>().ActorRef;

    public static async Task<GatewayNode> StartAsync(
        string dataDirectory,
        int? clusterPort = null,
        int[]? seedPorts = null,
        IDictionary<string, string?>? settings = null,
        string? environment = null,
        HttpMessageHandler? httpHandler = null,
        Action<IServiceCollection>? services = null,
        bool waitReady = true,
        Action<WebApplicationBuilder>? configure = null)
    {
        var port = clusterPort ?? FreePort.Next();
        var config = new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = dataDirectory,
            ["Gateway:ClusterPort"] = port.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:AllowDevKey"] = "true",
            // Tests drive far more traffic per caller than a patient would; throttling has its own tests.
            ["RateLimits:PerCallerPerSecond"] = "100000",
            ["RateLimits:PerCallerBurst"] = "100000",
            ["RateLimits:WritesPerUnitPerSecond"] = "100000",
            ["RateLimits:WritesPerUnitBurst"] = "100000",
            ["Logging:LogLevel:HealthGateway"] = "Information",
        };
        var seeds = seedPorts ?? [];
        for (var i = 0; i < seeds.Length; i++) config[$"Gateway:SeedNodes:{i}"] = $"akka.tcp://gateway@127.0.0.1:{seeds[i]}";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;

        // Kestrel:Endpoints in settings (e.g. HTTPS) take the place of --urls.
        string[] args = environment is null ? ["--urls", "http://127.0.0.1:0"] : ["--urls", "http://127.0.0.1:0", "--environment", environment];
        var app = GatewayApp.Build(args, b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            services?.Invoke(b.Services);
            configure?.Invoke(b);
        });
        await app.StartAsync();
        var node = new GatewayNode(app, dataDirectory, port, httpHandler);
        if (waitReady) await node.WaitReadyAsync();
        return node;
    }

    public async Task WaitReadyAsync() =>
        await Eventually.AssertAsync(async () =>
        {
            var response = await Http.GetAsync("/healthz/ready");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }, TimeSpan.FromSeconds(60));

    public string PatientToken(string patientId) => Tokens.Mint(Roles.Patient, patientId, TimeSpan.FromMinutes(30));
    public string UnitToken(string unitId) => Tokens.Mint(Roles.Unit, unitId, TimeSpan.FromMinutes(30));

    public async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
