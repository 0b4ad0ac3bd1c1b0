using System.ComponentModel;
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
    protected override async Task<int> RunAsync(GatewayClient client, OperationSettings settings, CancellationToken ct)
    {
        if (await GetAsync(client, settings, "operations/" + Uri.EscapeDataString(settings.OperationId), ct) is not { } op) return ExitCodes.Ok;
        Console.Write(Format.Properties([
            ("Operation", Format.Text(op, "id")),
            ("Status", Format.Text(op, "status")),
            ("Kind", Format.Text(op, "operation")),
            ("Unit", Format.Text(op, "unitId")),
            ("Patient", Format.Text(op, "patientId")),
            ("Requested by", Format.Text(op, "requestedBy")),
            ("Created", Format.Time(op, "createdAt")),
            ("Expires", Format.Timestamp(op, "expiresAt")),
            ("Settled", Format.Time(op, "settledAt")),
            ("Reason", Format.Text(op, "reason")),
            ("Result", Format.Text(op, "result")),
        ]));
        return ExitCodes.Ok;
    }
}
