using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Commands;

public sealed class UnitSettings : GatewaySettings
{
    [CommandArgument(0, "<unitId>")]
    [Description("The unit's id")]
    public string UnitId { get; init; } = "";
}

[Description("One unit's session in detail, with the node and shard holding it")]
public sealed class UnitsShowCommand(IAnsiConsole console) : GatewayCommand<UnitSettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, UnitSettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "units/" + Uri.EscapeDataString(settings.UnitId), ct) is not { } u) return ExitCodes.Ok;
        Console.Write(Format.Properties([
            ("Unit", Format.Text(u, "unitId")),
            ("Connected", Format.Bool(u, "connected") ? "yes" : "no"),
            ("Socket node", Format.Text(u, "node")),
            ("Session node", Format.Text(u, "sessionNode")),
            ("Shard", Format.Text(u, "shardId")),
            ("Connected since", Format.Time(u, "connectedSince")),
            ("Last seen", Format.Time(u, "lastSeen")),
            ("Protocol", Format.Text(u, "protocolVersion")),
            ("Software", Format.Text(u, "softwareVersion")),
            ("Backlog", Format.Text(u, "backlog")),
            ("Oldest buffered", Format.Seconds(u, "oldestBufferedAgeSeconds")),
            ("Writes settled by unit", Format.Text(u, "delivered")),
            ("Unit changes applied", Format.Text(u, "applied")),
            ("Operations q/d/a/r/e", Format.Operations(u)),
            ("Delivery stream", Format.DeliveryStream(u)),
            ("Last resync", Format.LastResync(u)),
        ]));
        return ExitCodes.Ok;
    }
}
