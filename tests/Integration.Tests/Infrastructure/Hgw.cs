using System.Text;
using HealthGateway.Ops.Cli;
using Spectre.Console;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Runs the <c>hgw</c> CLI in-process against a gateway, capturing its output as plain text.</summary>
public static class Hgw
{
    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> RunAsync(GatewayNode gateway, string? token, params string[] args) =>
        RunAtAsync(gateway.BaseUrl.ToString(), token, args);

    public static async Task<Result> RunAtAsync(string gatewayUrl, string? token, params string[] args)
    {
        var output = new CapturedOutput();
        var code = await RunAsync(gatewayUrl, token, output, CancellationToken.None, args);
        return new Result(code, output.ToString());
    }

    /// <summary>For streaming verbs: output can be read while it runs; <paramref name="ct"/> acts as Ctrl-C.</summary>
    public static Task<int> RunAsync(string gatewayUrl, string? token, CapturedOutput output, CancellationToken ct, params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 300; // tables unsqueezed, so assertions see whole values
        // Global options follow the verb; bare help takes none.
        string[] global = args is ["--help"] ? [] : token is null ? ["--gateway", gatewayUrl] : ["--gateway", gatewayUrl, "--token", token];
        return HgwApp.RunAsync([.. args, .. global], console, ct);
    }

    public static string AdminToken(this GatewayNode gateway) =>
        gateway.Tokens.Mint(Gateway.Auth.Roles.Admin, "ops-test", TimeSpan.FromMinutes(30));

    /// <summary>A text writer that may be read while another thread writes to it.</summary>
    public sealed class CapturedOutput : StringWriter
    {
        private readonly Lock _gate = new();

        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { lock (_gate) base.Write(value); }
        public override void Write(string? value) { lock (_gate) base.Write(value); }
        public override void Write(char[] buffer, int index, int count) { lock (_gate) base.Write(buffer, index, count); }
        public override string ToString() { lock (_gate) return base.ToString(); }
    }
}
