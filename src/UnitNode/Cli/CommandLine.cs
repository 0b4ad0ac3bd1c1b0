using System.Globalization;

namespace HealthGateway.UnitNode.Cli;

/// <summary>
/// The verbs and shorthand switches, peeled off before the rest goes to the host's configuration
/// (so <c>--Unit:Id unit-1</c> and friends work everywhere).
/// </summary>
internal sealed record CommandLine(CommandVerb Verb, int? Limit, string[] HostArgs, string? Error)
{
    public const string ListPatientsVerb = "list-patients";

    public const string Usage = """
        Usage:
          HealthGateway.UnitNode [--Unit:Id <id>] [--seed-patients <n>] [--Gateway:Url <url>] [--Gateway:Token <jwt>] ...
              Runs the unit service (Windows Service / systemd aware). Several gateway nodes:
              --Gateway:Urls "<url>;<url>;..." (tried in order; the unit fails over to the next).
          HealthGateway.UnitNode list-patients [--limit <n>] [--Unit:Id <id>] [--Unit:DataDirectory <dir>] [--seed-patients <n>]
              Prints the unit's patient ids, one per line, and exits without connecting.
        Any setting can also come from appsettings.json or environment variables (Unit__Id, Gateway__Url, Gateway__Urls, ...).
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var verb = CommandVerb.Run;
        int? limit = null;
        var hostArgs = new List<string>();
        var start = 0;
        if (args.Count > 0 && args[0] == ListPatientsVerb)
        {
            verb = CommandVerb.ListPatients;
            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
                return new CommandLine(CommandVerb.Help, null, [], null);

            if (TryReadSwitch(args, ref i, "--seed-patients", out var seedText, out var missing))
            {
                if (missing || !TryParseCount(seedText, out var seed))
                    return Fail($"--seed-patients needs a whole number >= 0, got '{seedText}'");
                hostArgs.Add($"--Unit:SeedPatients={seed.ToString(CultureInfo.InvariantCulture)}");
            }
            else if (verb == CommandVerb.ListPatients && TryReadSwitch(args, ref i, "--limit", out var limitText, out missing))
            {
                if (missing || !TryParseCount(limitText, out var parsed) || parsed == 0)
                    return Fail($"--limit needs a whole number > 0, got '{limitText}'");
                limit = parsed;
            }
            else
            {
                hostArgs.Add(arg);
            }
        }
        return new CommandLine(verb, limit, hostArgs.ToArray(), null);
    }

    private static CommandLine Fail(string error) => new(CommandVerb.Run, null, [], error);

    /// <summary>Matches <c>--name value</c> and <c>--name=value</c>.</summary>
    private static bool TryReadSwitch(IReadOnlyList<string> args, ref int i, string name, out string value, out bool missing)
    {
        var arg = args[i];
        missing = false;
        value = "";
        if (arg.StartsWith(name + "=", StringComparison.Ordinal))
        {
            value = arg[(name.Length + 1)..];
            return true;
        }
        if (arg != name) return false;
        if (i + 1 < args.Count)
        {
            value = args[++i];
            return true;
        }
        missing = true;
        return true;
    }

    private static bool TryParseCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
