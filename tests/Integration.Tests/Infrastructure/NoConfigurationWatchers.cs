using System.Runtime.CompilerServices;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// Hosts these tests start (gateways and units in this process, and child processes, which inherit the environment) do
/// not watch their appsettings files: with collections running side by side, dozens of hosts at once would exhaust
/// the inotify instances a user may hold (128 by default on Linux), and no test changes a settings file while it runs.
/// </summary>
internal static class NoConfigurationWatchers
{
#pragma warning disable CA2255 // a test assembly's own process-wide setting, set before any host starts
    [ModuleInitializer]
    internal static void Apply() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
#pragma warning restore CA2255
}
