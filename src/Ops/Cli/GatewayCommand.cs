using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Cli;

/// <summary>
/// Base of every verb: builds the gateway client from the global options, prints raw JSON with
/// <c>--json</c>, and turns failures into an error line and hgw's exit code.
/// </summary>
public abstract class GatewayCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings> where TSettings : GatewaySettings
{
    protected IAnsiConsole Console { get; } = console;

    /// <summary>The console, for helpers shared by several verbs.</summary>
    internal IAnsiConsole Output => Console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        using var client = new GatewayClient(settings);
        try
        {
            return await RunAsync(client, settings, cancellationToken);
        }
        catch (GatewayException e)
        {
            Console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok; // Ctrl-C
        }
        catch (Exception e)
        {
            Console.MarkupLineInterpolated($"[red]unexpected error:[/] {e.Message}");
            return ExitCodes.Unexpected;
        }
    }

    protected abstract Task<int> RunAsync(GatewayClient client, TSettings settings, CancellationToken ct);

    /// <summary>Raw text straight to the output (no wrapping or markup), for --json.</summary>
    protected void WriteRaw(string text)
    {
        Console.Profile.Out.Writer.WriteLine(text);
        Console.Profile.Out.Writer.Flush();
    }

    /// <summary>GETs a route; with --json prints it raw and returns null, else returns the parsed body to render.</summary>
    protected async Task<JsonElement?> GetAsync(GatewayClient client, TSettings settings, string path, CancellationToken ct)
    {
        var (raw, root) = await client.SendAsync(HttpMethod.Get, path, null, ct);
        if (!settings.Json) return root;
        WriteRaw(raw);
        return null;
    }
}
