using System.Diagnostics;
using System.Text;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A real OS process (gateway or unit) for fault tests: started with <c>dotnet app.dll</c>,
/// stopped gracefully (SIGTERM) or killed outright (SIGKILL, as <c>kill -9</c>).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static ChildProcess Start(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"build the solution first: {dll} is missing", dll);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__HealthGateway"] = "Information";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, like a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (as <c>kill</c>, systemd or an orchestrator stop): the process shuts down gracefully.</summary>
    /// <returns>False when it had not exited within <paramref name="timeout"/> (it is then killed).</returns>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0 && !_process.HasExited) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        }
        try
        {
            await _process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
