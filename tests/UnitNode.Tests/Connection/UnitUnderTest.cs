using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HealthGateway.UnitNode.Tests.Connection;

/// <summary>A real UnitNode host (built by <see cref="UnitNodeApp.Build"/>) wired to a <see cref="FakeGateway"/>.</summary>
public sealed class UnitUnderTest : IAsyncDisposable
{
    public const string UnitId = "unit-t";
    public const string Token = "test-token";

    private UnitUnderTest(IHost host) => Host = host;

    public IHost Host { get; }
    public GatewayConnectionStatus Status => Host.Services.GetRequiredService<GatewayConnectionStatus>();
    public UnitStore Store => Host.Services.GetRequiredService<UnitStore>();
    public OutboxStore Outbox => Host.Services.GetRequiredService<OutboxStore>();

    public static async Task<UnitUnderTest> StartAsync(FakeGateway gateway, TempDirectory directory, int seedPatients = 3,
        IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Unit:Id"] = UnitId,
            ["Unit:DataDirectory"] = directory.Path,
            ["Unit:SeedPatients"] = seedPatients.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Url"] = gateway.BaseUrl.ToString(),
            ["Gateway:Token"] = Token,
            ["Gateway:ReconnectMinDelay"] = "00:00:00.050",
            ["Gateway:ReconnectMaxDelay"] = "00:00:00.250",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;

        var host = UnitNodeApp.Build([], configuration => configuration.AddInMemoryCollection(settings), services);
        await host.StartAsync();
        return new UnitUnderTest(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
    }
}
