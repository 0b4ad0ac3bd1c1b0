using System.ComponentModel;
using HealthGateway.Ops.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Commands;

/// <summary>Settings of <c>cluster leave</c> and <c>cluster down</c>.</summary>
public sealed class MemberSettings : GatewaySettings
{
    [CommandArgument(0, "<address>")]
    [Description("Member address as `cluster show` prints it, e.g. akka.tcp://gateway@127.0.0.1:4053")]
    public string Address { get; init; } = "";
}

[Description("Ask a member to leave the cluster gracefully (its shards hand off first)")]
public sealed class ClusterLeaveCommand(IAnsiConsole console) : GatewayCommand<MemberSettings>(console)
{
    protected override Task<int> RunAsync(GatewayClient client, MemberSettings settings, CancellationToken ct) =>
        MemberAction.RunAsync(this, client, settings, "leave", ct);
}

[Description("Mark a member as down (use for a crashed node; its shards restart elsewhere)")]
public sealed class ClusterDownCommand(IAnsiConsole console) : GatewayCommand<MemberSettings>(console)
{
    protected override Task<int> RunAsync(GatewayClient client, MemberSettings settings, CancellationToken ct) =>
        MemberAction.RunAsync(this, client, settings, "down", ct);
}

internal static class MemberAction
{
    public static async Task<int> RunAsync(GatewayCommand<MemberSettings> command, GatewayClient client, MemberSettings settings, string action, CancellationToken ct)
    {
        var (raw, _) = await client.SendAsync(HttpMethod.Post, $"cluster/{action}", new MemberAddressBody(settings.Address), ct);
        if (settings.Json) command.Output.Profile.Out.Writer.WriteLine(raw);
        else command.Output.MarkupLineInterpolated($"{(action == "leave" ? "Asked" : "Marked")} {settings.Address} {(action == "leave" ? "to leave the cluster" : "as down")}.");
        return ExitCodes.Ok;
    }
}
