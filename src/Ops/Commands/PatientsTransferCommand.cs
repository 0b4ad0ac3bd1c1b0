using System.ComponentModel;
using System.Text.Json;
using HealthGateway.Ops.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Commands;

public sealed class PatientTransferSettings : GatewaySettings
{
    [CommandArgument(0, "<patientId>")]
    [Description("The patient to move")]
    public string PatientId { get; init; } = "";

    [CommandOption("--to <UNIT>")]
    [Description("The unit the patient's requests go to from now on")]
    public string ToUnitId { get; init; } = "";

    [CommandOption("--reason <TEXT>")]
    [Description("Why (kept in the audit trail)")]
    public string? Reason { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(ToUnitId) ? ValidationResult.Error("--to <UNIT> is required") : base.Validate();
}

[Description("Move a patient to another unit (routing only; audited). Writes already queued stay with the old unit")]
public sealed class PatientsTransferCommand(IAnsiConsole console) : GatewayCommand<PatientTransferSettings>(console)
{
    protected override async Task<int> RunAsync(GatewayClient client, PatientTransferSettings settings, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new PatientTransferBody(settings.ToUnitId, settings.Reason), CliJsonContext.Default.PatientTransferBody);
        var (raw, result) = await client.SendJsonAsync(HttpMethod.Post, $"patients/{Uri.EscapeDataString(settings.PatientId)}/transfer", body, ct);
        if (settings.Json) Output.Profile.Out.Writer.WriteLine(raw);
        else Output.MarkupLineInterpolated(
            $"Moved patient {Format.Text(result, "patientId")} from {Format.Text(result, "fromUnitId")} to {Format.Text(result, "toUnitId")}.");
        return ExitCodes.Ok;
    }
}
