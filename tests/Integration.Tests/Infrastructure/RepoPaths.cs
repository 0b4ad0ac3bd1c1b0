namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Where the built gateway and unit binaries are, for tests that run them as real processes.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the same configuration this test assembly was built with.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string GatewayDll => Path.Combine(Root, "src", "Gateway", "bin", Configuration, "net10.0", "HealthGateway.Gateway.dll");
    public static string UnitNodeDll => Path.Combine(Root, "src", "UnitNode", "bin", Configuration, "net10.0", "HealthGateway.UnitNode.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Akka.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Akka.sln not found above the test binaries");
    }
}
