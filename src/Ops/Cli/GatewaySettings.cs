using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Cli;

/// <summary>Options every verb takes: where the gateway is, the admin token, and raw JSON output.</summary>
public class GatewaySettings : CommandSettings
{
    public const string DefaultGateway = "http://127.0.0.1:5080";

    [CommandOption("--gateway <URL>")]
    [Description("Gateway base URL (env HGW_GATEWAY; default " + DefaultGateway + ")")]
    public string? Gateway { get; init; }

    [CommandOption("--token <JWT>")]
    [Description("Admin bearer token (env HGW_TOKEN)")]
    public string? Token { get; init; }

    [CommandOption("--token-file <PATH>")]
    [Description("Read the admin token from a file")]
    public string? TokenFile { get; init; }

    [CommandOption("--json")]
    [Description("Print the API's raw JSON (for scripts)")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (Token is not null && TokenFile is not null) return ValidationResult.Error("Use either --token or --token-file, not both.");
        if (TokenFile is not null && !File.Exists(TokenFile)) return ValidationResult.Error($"Token file '{TokenFile}' does not exist.");
        var url = ResolveGateway();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return ValidationResult.Error($"'{url}' is not an http(s) URL.");
        return ValidationResult.Success();
    }

    public string ResolveGateway() => Gateway ?? Environment.GetEnvironmentVariable("HGW_GATEWAY") ?? DefaultGateway;

    public string? ResolveToken()
    {
        if (Token is not null) return Token.Trim();
        if (TokenFile is not null) return File.ReadAllText(TokenFile).Trim();
        return Environment.GetEnvironmentVariable("HGW_TOKEN")?.Trim();
    }
}

/// <summary>Options of the <c>tail</c> verbs.</summary>
public class TailSettings : GatewaySettings
{
    [CommandOption("--count <N>")]
    [Description("Stop after N events (default: stream until Ctrl-C)")]
    public int? Count { get; init; }

    public override ValidationResult Validate() =>
        Count is <= 0 ? ValidationResult.Error("--count must be at least 1.") : base.Validate();
}
