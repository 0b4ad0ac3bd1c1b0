using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Ops.Commands;

[Description("Stream cluster member events (up, left, removed, unreachable, reachable) until Ctrl-C")]
public sealed class ClusterTailCommand(IAnsiConsole console) : GatewayCommand<TailSettings>(console)
{
    protected override Task<int> RunAsync(GatewayClient client, TailSettings settings, CancellationToken ct) =>
        Tail.RunAsync(this, client, settings, "member-", ct);
}

[Description("Stream unit connect, disconnect and supersede events from every node until Ctrl-C")]
public sealed class UnitsTailCommand(IAnsiConsole console) : GatewayCommand<TailSettings>(console)
{
    protected override Task<int> RunAsync(GatewayClient client, TailSettings settings, CancellationToken ct) =>
        Tail.RunAsync(this, client, settings, "unit-", ct);
}

internal static class Tail
{
    public static async Task<int> RunAsync(GatewayCommand<TailSettings> command, GatewayClient client, TailSettings settings, string prefix, CancellationToken ct)
    {
        var console = command.Output;
        if (!settings.Json) console.MarkupLineInterpolated($"[grey]Streaming {prefix}* events from {settings.ResolveGateway()}; Ctrl-C to stop.[/]");
        var seen = 0;
        await foreach (var (type, data) in client.EventsAsync(ct))
        {
            if (!type.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (settings.Json) console.Profile.Out.Writer.WriteLine(data);
            else console.WriteLine(Line(type, data));
            console.Profile.Out.Writer.Flush();
            if (settings.Count is { } count && ++seen >= count) break;
        }
        return ExitCodes.Ok;
    }

    /// <summary>"2026-11-26 14:45:08Z  unit-connected     unit-1  node akka.tcp://...  (detail)".</summary>
    private static string Line(string type, string data)
    {
        using var doc = JsonDocument.Parse(data);
        var e = doc.RootElement;
        var at = e.TryGetProperty("at", out var a) && a.TryGetDateTimeOffset(out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z"
            : "-";
        var subject = Format.Text(e, type.StartsWith("unit-", StringComparison.Ordinal) ? "unitId" : "address");
        var node = Format.Text(e, "node");
        var detail = Format.Text(e, "detail");
        return $"{at}  {type,-18}  {subject}  node {node}{(detail == "-" ? "" : $"  ({detail})")}";
    }
}
