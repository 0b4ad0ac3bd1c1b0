using HealthGateway.Ops.Cli;
using Spectre.Console;

// Ctrl-C ends a tail cleanly (exit 0) instead of killing the process mid-line.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var console = AnsiConsole.Console;
// Piped into a file or another tool there is no terminal width: don't squeeze tables into 80 columns.
if (Console.IsOutputRedirected) console.Profile.Width = 240;
return await HgwApp.RunAsync(args, console, stop.Token);
