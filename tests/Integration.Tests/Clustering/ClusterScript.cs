using System.Diagnostics;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>Runs <c>scripts/cluster.sh</c> and the built binaries' verbs as an operator would, for the script's tests.</summary>
public static class ClusterScript
{
    /// <summary><c>bash scripts/cluster.sh args...</c> with <paramref name="environment"/>; stdout and stderr together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IDictionary<string, string> environment, params string[] args)
    {
        var result = await RunProcessAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "cluster.sh"), .. args], environment);
        return (result.ExitCode, result.Output + result.Errors);
    }

    public static async Task<(int ExitCode, string Output, string Errors)> RunProcessAsync(string file, IEnumerable<string> args,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        // The processes the script starts write to their own log files, so its pipes close when it exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
