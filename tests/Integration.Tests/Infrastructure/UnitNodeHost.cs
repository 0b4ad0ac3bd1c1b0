using HealthGateway.UnitNode;
using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Storage;
using Microsoft.Extensions.Hosting;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A real UnitNode host in-process: real SQLite file, real client WebSocket to the gateway.</summary>
public sealed class UnitNodeHost : IAsyncDisposable
{
    private readonly IHost _host;

    private UnitNodeHost(IHost host, string unitId)
    {
        _host = host;
        UnitId = unitId;
    }

    public string UnitId { get; }
    public GatewayConnectionStatus Connection => _host.Services.GetRequiredService<GatewayConnectionStatus>();
    public UnitStore Store => _host.Services.GetRequiredService<UnitStore>();

    /// <summary>Outbox events the gateway has not acknowledged yet (read from the unit's SQLite file).</summary>
    public long UnacknowledgedChanges => _host.Services.GetRequiredService<OutboxStore>().CountUnacked();
    public OutboxStore Outbox => _host.Services.GetRequiredService<OutboxStore>();

    public static async Task<UnitNodeHost> StartAsync(string unitId, string dataDirectory, Uri gatewayWebSocketBase, string token, int seedPatients = 0,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Unit:Id"] = unitId,
            ["Unit:DataDirectory"] = dataDirectory,
            ["Unit:SeedPatients"] = seedPatients.ToString(),
            ["Gateway:Url"] = gatewayWebSocketBase.ToString().TrimEnd('/'),
            ["Gateway:Token"] = token,
            ["Gateway:ReconnectMinDelay"] = "00:00:00.100",
            ["Gateway:ReconnectMaxDelay"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        var host = UnitNodeApp.Build([], configuration => configuration.AddInMemoryCollection(config), services);
        await host.StartAsync();
        return new UnitNodeHost(host, unitId);
    }

    public async Task WaitConnectedAsync()
    {
        var connected = await Connection.WaitUntilAsync(c => c.IsConnected, TimeSpan.FromSeconds(60));
        Assert.True(connected, $"{UnitId} did not connect: {Connection.LastError} {Connection.LastCloseStatus} {Connection.LastCloseDescription}");
    }

    public async Task<IReadOnlyList<string>> PatientIdsAsync() => await Store.ListPatientIdsAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
