namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>One gateway node shared by the tests of a class.</summary>
public sealed class OneGatewayNode : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    public GatewayNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _temp.Dispose();
    }
}
