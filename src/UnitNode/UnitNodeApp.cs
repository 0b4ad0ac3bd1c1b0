using HealthGateway.UnitNode.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode;

/// <summary>
/// The UnitNode's entry points: <see cref="RunAsync"/> for the executable (verbs included) and
/// <see cref="Build"/> for tests that host a unit in-process with their own configuration.
/// </summary>
public static class UnitNodeApp
{
    /// <summary>
    /// Builds (does not start) the unit host. <paramref name="configure"/> runs after the default sources
    /// (appsettings, environment, command line), so what it adds wins, e.g. an in-memory collection.
    /// <c>--seed-patients N</c> is understood; verbs are not (use <see cref="RunAsync"/>).
    /// <paramref name="services"/> runs after the unit's registrations (tests: an in-memory trace exporter).
    /// </summary>
    public static IHost Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var commandLine = CommandLine.Parse(args);
        if (commandLine.Error is not null) throw new ArgumentException(commandLine.Error, nameof(args));
        var builder = CreateBuilder(commandLine.HostArgs, configure, logsToStandardError: false);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Runs the executable: the service by default, or a verb such as <c>list-patients</c>. Returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        Action<IConfigurationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var commandLine = CommandLine.Parse(args);
        if (commandLine.Error is not null)
        {
            await error.WriteLineAsync(commandLine.Error);
            await error.WriteLineAsync(CommandLine.Usage);
            return ExitCodes.BadArguments;
        }

        switch (commandLine.Verb)
        {
            case CommandVerb.Help:
                await output.WriteLineAsync(CommandLine.Usage);
                return ExitCodes.Success;
            case CommandVerb.ListPatients:
            {
                // Logs go to stderr so stdout carries only ids (pipe-friendly).
                using var host = CreateBuilder(commandLine.HostArgs, configure, logsToStandardError: true).Build();
                return await ListPatientsCommand.RunAsync(host, commandLine.Limit, output, error, cancellationToken);
            }
            default:
            {
                using var host = CreateBuilder(commandLine.HostArgs, configure, logsToStandardError: false).Build();
                try
                {
                    await host.RunAsync(cancellationToken);
                    return ExitCodes.Success;
                }
                catch (OptionsValidationException e)
                {
                    await error.WriteLineAsync("Invalid configuration:");
                    foreach (var failure in e.Failures) await error.WriteLineAsync("  " + failure);
                    return ExitCodes.BadConfiguration;
                }
            }
        }
    }

    private static HostApplicationBuilder CreateBuilder(string[] hostArgs, Action<IConfigurationBuilder>? configure, bool logsToStandardError)
    {
        var builder = Host.CreateApplicationBuilder(hostArgs);
        configure?.Invoke(builder.Configuration);

        // Both are no-ops unless the process really runs as a Windows Service / systemd unit.
        builder.Services.AddWindowsService(o => o.ServiceName = "HealthGateway UnitNode");
        builder.Services.AddSystemd();
        if (logsToStandardError)
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.Services.AddUnitNode(builder.Configuration, builder.Environment.ContentRootPath);
        return builder;
    }
}
