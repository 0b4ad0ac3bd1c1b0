using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Ops.Commands;

/// <summary>
/// <c>hgw units resync &lt;unitId&gt;</c>: after a unit's store was restored from a backup (or the gateway's journal is
/// behind the unit), continue its deliveries from the seq the unit reports. Settled writes the unit lost are listed,
/// not replayed: re-enter them (docs/operations.md, "A unit restored from a backup").
/// </summary>
[Description("Resync a unit's deliveries after its store was restored from a backup (or it is ahead of the gateway); lists settled writes to re-enter")]
public sealed class UnitsResyncCommand(IAnsiConsole console) : GatewayCommand<UnitSettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, UnitSettings settings, CancellationToken ct)
    {
        var (raw, root) = await client.SendAsync(HttpMethod.Post, $"units/{Uri.EscapeDataString(settings.UnitId)}/resync", null, ct);
        if (settings.Json)
        {
            WriteRaw(raw);
            return ExitCodes.Ok;
        }
        var resolved = root.GetProperty("resolved");
        var ids = Format.OperationIds(resolved);
        var writer = Console.Profile.Out.Writer;
        writer.WriteLine($"Resynced {settings.UnitId}: {Format.Text(resolved, "state")}; deliveries continue after seq {Format.Number(resolved, "unitLastAppliedSeq")}.");
        writer.WriteLine($"Held writes now delivered: {Format.Number(root, "held")} ({Format.Number(root, "resequenced")} renumbered above the unit's seq).");
        if (Format.Text(resolved, "state") == "unit-behind")
        {
            writer.WriteLine($"Settled writes the unit no longer has: {Format.Number(resolved, "missingAtUnit")}" +
                             (ids.Count < Format.Number(resolved, "missingAtUnit") ? $" ({ids.Count} still known to the gateway)" : "") + ".");
            foreach (var id in ids) writer.WriteLine($"  {id}");
            if (Format.Number(resolved, "missingAtUnit") > 0) writer.WriteLine("They stay settled at the gateway and are not replayed: re-enter them at the unit.");
        }
        writer.Flush();
        return ExitCodes.Ok;
    }
}
