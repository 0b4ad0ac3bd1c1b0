using System.Reflection;

namespace HealthGateway.UnitNode.Connection;

/// <summary>The <c>software</c> string sent in Hello, e.g. <c>UnitNode/1.0.0</c>.</summary>
internal static class SoftwareVersion
{
    public static readonly string Value = "UnitNode/" + Describe(typeof(SoftwareVersion).Assembly);

    private static string Describe(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Drop the "+<commit>" build metadata the SDK appends: the gateway logs this string.
        var version = informational?.Split('+')[0];
        return string.IsNullOrEmpty(version) ? assembly.GetName().Version?.ToString() ?? "0.0.0" : version;
    }
}
