using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using HealthGateway.Ops.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Commands;

public sealed class UnitsListSettings : GatewaySettings
{
    [CommandOption("--offline")]
    [Description("Only units that are not connected")]
    public bool Offline { get; init; }

    [CommandOption("--backlog-over <N>")]
    [Description("Only units with more than N writes waiting")]
    public int? BacklogOver { get; init; }

    public override ValidationResult Validate() =>
        BacklogOver is < 0 ? ValidationResult.Error("--backlog-over must be 0 or more.") : base.Validate();
}

[Description("Unit sessions: connected or not, where, since when, backlog, deliveries")]
public sealed class UnitsListCommand(IAnsiConsole console) : GatewayCommand<UnitsListSettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, UnitsListSettings settings, CancellationToken ct)
    {
        var query = new List<string>();
        if (settings.Offline) query.Add("offline=true");
        if (settings.BacklogOver is { } over) query.Add("minBacklog=" + (over + 1).ToString(CultureInfo.InvariantCulture));
        var path = "units" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        if (await GetAsync(client, settings, path, ct) is not { } units) return ExitCodes.Ok;

        var table = Format.NewTable("Unit", "Connected", "Node", "Since", "Last seen", "Software", "Backlog", "Oldest", "Delivered", "Applied", "Ops q/d/a/r/e");
        foreach (var u in units.EnumerateArray())
            table.AddRow(Format.Text(u, "unitId"), Format.Bool(u, "connected") ? "yes" : "no", Format.Text(u, "node"),
                Format.Time(u, "connectedSince"), Format.Time(u, "lastSeen"), Format.Text(u, "softwareVersion"),
                Format.Text(u, "backlog"), Format.Seconds(u, "oldestBufferedAgeSeconds"), Format.Text(u, "delivered"),
                Format.Text(u, "applied"), Format.Operations(u));
        Console.Write(table);
        var all = units.EnumerateArray().ToList();
        Console.MarkupLineInterpolated($"{all.Count} units, {all.Count(u => Format.Bool(u, "connected"))} connected, {all.Sum(u => Format.Number(u, "backlog"))} writes waiting");
        // Held deliveries need an operator (a restored or ahead unit store): name them under the table.
        foreach (var held in all.Where(u => u.TryGetProperty("deliveryMismatch", out var m) && m.ValueKind == JsonValueKind.Object))
            Console.MarkupLineInterpolated($"[red]{Format.Text(held, "unitId")}: deliveries held ({Format.Text(held.GetProperty("deliveryMismatch"), "state")}); see hgw units show {Format.Text(held, "unitId")}[/]");
        return ExitCodes.Ok;
    }
}
