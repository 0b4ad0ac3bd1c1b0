using System.Diagnostics;
using System.Text;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests.Documentation;

/// <summary>
/// The README's first command, <c>./run-local.sh</c> (gateway + three seeded demo units), started on the binaries this test
/// run built, and a reader's working directory <see cref="ReaderDirectory"/> laid out like a checkout after it ran:
/// <c>.data/</c> and the <c>src/*/bin/Release/net10.0</c> paths the docs name (links to this build's output).
/// </summary>
public sealed class LocalDemo : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly StringBuilder _output = new();
    private Process _script = null!;

    public int Port { get; } = FreePort.Next();
    public string ReaderDirectory => _temp.Sub("checkout");

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task InitializeAsync()
    {
        var data = _temp.Sub("data");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "run-local.sh"));
        start.Environment["NO_BUILD"] = "1";
        start.Environment["CONFIG"] = RepoPaths.Configuration;
        start.Environment["GATEWAY_PORT"] = Port.ToString();
        start.Environment["DATA_DIR"] = data;
        _script = new Process { StartInfo = start };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script.OutputDataReceived += (_, e) => Append(e.Data, ready);
        _script.ErrorDataReceived += (_, e) => Append(e.Data, ready);
        _script.Start();
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();
        var exited = _script.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3))) != ready.Task)
            throw new InvalidOperationException($"run-local.sh did not come up:\n{Output}");

        Directory.CreateDirectory(ReaderDirectory);
        File.CreateSymbolicLink(Path.Combine(ReaderDirectory, ".data"), data);
        foreach (var project in new[] { "Gateway", "UnitNode", "Ops" })
        {
            var bin = Path.Combine(ReaderDirectory, "src", project, "bin", "Release");
            Directory.CreateDirectory(bin);
            File.CreateSymbolicLink(Path.Combine(bin, "net10.0"), Path.Combine(RepoPaths.Root, "src", project, "bin", RepoPaths.Configuration, "net10.0"));
        }
    }

    private void Append(string? line, TaskCompletionSource ready)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("Press Ctrl-C to stop", StringComparison.Ordinal)) ready.TrySetResult();
    }

    /// <summary>As Ctrl-C would: the script's trap stops the gateway and the units it started.</summary>
    public async Task DisposeAsync()
    {
        if (!_script.HasExited)
        {
            using (var term = Process.Start("kill", ["-INT", _script.Id.ToString()])) await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _script.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _script.Kill(entireProcessTree: true); }
        }
        _script.Dispose();
        _temp.Dispose();
    }
}
