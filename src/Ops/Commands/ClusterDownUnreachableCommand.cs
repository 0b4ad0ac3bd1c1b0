using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Ops.Commands;

[Description("Mark every member this gateway sees as unreachable as down")]
public sealed class ClusterDownUnreachableCommand(IAnsiConsole console) : GatewayCommand<GatewaySettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken ct)
    {
        var (raw, root) = await client.SendAsync(HttpMethod.Post, "cluster/down-unreachable", null, ct);
        if (settings.Json)
        {
            WriteRaw(raw);
            return ExitCodes.Ok;
        }
        var downed = root.GetProperty("downed").EnumerateArray().Select(a => a.GetString()).ToList();
        if (downed.Count == 0) Console.WriteLine("No unreachable members.");
        foreach (var address in downed) Console.MarkupLineInterpolated($"Marked {address} as down.");
        return ExitCodes.Ok;
    }
}
