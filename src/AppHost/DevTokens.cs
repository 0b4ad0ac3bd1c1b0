using System.Diagnostics;
using System.Reflection;

namespace HealthGateway.AppHost;

/// <summary>
/// Mints dev tokens with the gateway's own <c>mint-token</c> command (the build of the referenced Gateway project), so
/// the key is the one the gateway loads from its data directory: the first call creates it, before any gateway starts.
/// </summary>
public sealed class DevTokens(string gatewayProjectPath, string gatewayDataDirectory)
{
    private static readonly string Configuration =
        typeof(DevTokens).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public string GatewayDll => Path.Combine(Path.GetDirectoryName(gatewayProjectPath)!, "bin", Configuration, "net10.0", "HealthGateway.Gateway.dll");

    /// <summary>Writes a token to <paramref name="file"/> (owner-only) and returns the path.</summary>
    public string MintToFile(string file, string role, string subject, TimeSpan lifetime)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     GatewayDll, "mint-token", "--role", role, "--sub", subject,
                     "--lifetime", lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                     "--Gateway:DataDirectory", gatewayDataDirectory,
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var token = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || token.Length == 0)
            throw new InvalidOperationException($"mint-token for {role} '{subject}' failed ({process.ExitCode}): {error}");
        File.WriteAllText(file, token);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }
}
