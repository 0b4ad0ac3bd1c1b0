using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Ops.Commands;

[Description("Shard regions per node: shard and entity counts")]
public sealed class ShardingRegionsCommand(IAnsiConsole console) : GatewayCommand<GatewaySettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "sharding/regions", ct) is not { } rows) return ExitCodes.Ok;
        var table = Format.NewTable("Type", "Node", "Shards", "Entities");
        foreach (var r in rows.EnumerateArray())
            table.AddRow(Format.Text(r, "typeName"), Format.Text(r, "node"), Format.Text(r, "shards"), Format.Text(r, "entities"));
        Console.Write(table);
        return ExitCodes.Ok;
    }
}

[Description("Entities per shard, per region and node")]
public sealed class ShardingRegionStatsCommand(IAnsiConsole console) : GatewayCommand<GatewaySettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "sharding/region-stats", ct) is not { } rows) return ExitCodes.Ok;
        var table = Format.NewTable("Type", "Node", "Shard", "Entities");
        foreach (var r in rows.EnumerateArray())
        {
            var shards = r.GetProperty("shards").EnumerateObject().ToList();
            if (shards.Count == 0) table.AddRow(Format.Text(r, "typeName"), Format.Text(r, "node"), "-", "0");
            foreach (var shard in shards)
                table.AddRow(Format.Text(r, "typeName"), Format.Text(r, "node"), shard.Name, shard.Value.GetRawText());
        }
        Console.Write(table);
        return ExitCodes.Ok;
    }
}
