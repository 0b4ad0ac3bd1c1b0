using System.ComponentModel;
using System.Text.Json;
using HealthGateway.Ops.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Commands;

public sealed class OperationSettings : GatewaySettings
{
    [CommandArgument(0, "<operationId>")]
    [Description("The operation id (from a 202's Location header)")]
    public string OperationId { get; init; } = "";
}

[Description("Where a durable write stands: queued, delivered, applied, rejected or expired")]
public sealed class OperationsShowCommand(IAnsiConsole console) : GatewayCommand<OperationSettings>(console)
{
    /// <summary>What hgw prints for a field the gateway withheld (the admin holds no grant for the patient's data).</summary>
    public const string WithheldMarker = "(withheld: no grant for this patient's data)";

    protected override async Task<int> RunAsync(GatewayClient client, OperationSettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "operations/" + Uri.EscapeDataString(settings.OperationId), ct) is not { } op) return ExitCodes.Ok;
        var withheld = op.TryGetProperty("withheld", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(e => e.GetString()).ToHashSet(StringComparer.Ordinal)
            : [];
        string Guarded(string name, Func<JsonElement, string, string> format) => withheld.Contains(name) ? WithheldMarker : format(op, name);

        Console.Write(Format.Properties([
            ("Operation", Format.Text(op, "id")),
            ("Status", Format.Text(op, "status")),
            ("Kind", Format.Text(op, "operation")),
            ("Unit", Format.Text(op, "unitId")),
            ("Patient", Guarded("patientId", Format.Text)),
            ("Requested by", withheld.Contains("requestedBy") ? $"{Format.Text(op, "requesterRole")} {WithheldMarker}" : Format.Text(op, "requestedBy")),
            ("Created", Format.Time(op, "createdAt")),
            ("Expires", Format.Timestamp(op, "expiresAt")),
            ("Settled", Format.Time(op, "settledAt")),
            ("Reason", Guarded("reason", Format.Text)),
            ("Result", Guarded("result", Format.Text)),
        ]));
        if (withheld.Count > 0)
            Console.MarkupLineInterpolated($"[dim]Patient data withheld ({string.Join(", ", withheld)}): an admin sees it only with a grant for the patient's unit (docs/security.md).[/]");
        return ExitCodes.Ok;
    }
}
