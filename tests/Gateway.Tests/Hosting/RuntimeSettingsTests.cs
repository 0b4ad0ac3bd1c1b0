using System.Text.Json;

namespace HealthGateway.Gateway.Tests.Hosting;

/// <summary>The runtime settings the gateway ships with (its runtimeconfig.json, copied beside this test's assembly).</summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "HealthGateway.Gateway.runtimeconfig.json"));
        using var json = JsonDocument.Parse(file);
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Idle_thread_pool_workers_do_not_spin() =>
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
}
