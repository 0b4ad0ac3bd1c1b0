using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Ops.Commands;

[Description("Cluster members with roles, status, reachability and the leader")]
public sealed class ClusterShowCommand(IAnsiConsole console) : GatewayCommand<GatewaySettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "cluster", ct) is not { } view) return ExitCodes.Ok;
        var self = Format.Text(view, "self");
        var leader = Format.Text(view, "leader");
        var table = Format.NewTable("Address", "Status", "Reachable", "Roles", "Up #", "");
        foreach (var m in view.GetProperty("members").EnumerateArray())
        {
            var address = Format.Text(m, "address");
            var marks = string.Join(", ", new[] { address == leader ? "leader" : null, address == self ? "self" : null }.OfType<string>());
            table.AddRow(
                new Text(address), new Text(Format.Text(m, "status")), new Text(Format.Bool(m, "reachable") ? "yes" : "NO"),
                new Text(string.Join(",", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))),
                new Text(Format.Text(m, "upNumber")), new Text(marks));
        }
        Console.Write(table);
        var unreachable = view.GetProperty("unreachable").GetArrayLength();
        Console.MarkupLineInterpolated($"{view.GetProperty("members").GetArrayLength()} members, {unreachable} unreachable; leader {leader}; answered by {self}");
        return ExitCodes.Ok;
    }
}
