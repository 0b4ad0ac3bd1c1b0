using HealthGateway.Ops.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace HealthGateway.Ops.Cli;

/// <summary>hgw's verbs (pbm's names where pbm has one), runnable in-process for tests.</summary>
public static class HgwApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken ct = default)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("hgw");
            config.ConfigureConsole(console);
            config.AddExample("cluster", "show");
            config.AddExample("units", "list", "--backlog-over", "100");
            config.AddExample("units", "tail", "--count", "5", "--json");
            config.AddBranch("cluster", cluster =>
            {
                cluster.SetDescription("Cluster members, leave/down, sharding, member events");
                cluster.AddCommand<ClusterShowCommand>("show");
                cluster.AddCommand<ClusterLeaveCommand>("leave");
                cluster.AddCommand<ClusterDownCommand>("down");
                cluster.AddCommand<ClusterDownUnreachableCommand>("down-unreachable");
                cluster.AddCommand<ClusterTailCommand>("tail");
                cluster.AddBranch("sharding", sharding =>
                {
                    sharding.SetDescription("Shard regions and their shards");
                    sharding.AddCommand<ShardingRegionsCommand>("regions");
                    sharding.AddCommand<ShardingRegionStatsCommand>("region-stats");
                });
            });
            config.AddBranch("units", units =>
            {
                units.SetDescription("Healthcare unit sessions and their events");
                units.AddCommand<UnitsListCommand>("list");
                units.AddCommand<UnitsShowCommand>("show");
                units.AddCommand<UnitsResyncCommand>("resync");
                units.AddCommand<UnitsTailCommand>("tail");
            });
            config.AddBranch("patients", patients =>
            {
                patients.SetDescription("Where patients are routed");
                patients.AddCommand<PatientsTransferCommand>("transfer");
            });
            config.AddBranch("operations", operations =>
            {
                operations.SetDescription("Durable writes");
                operations.AddCommand<OperationsShowCommand>("show");
            });
        });

        var code = await app.RunAsync(args, ct);
        if (IsTopLevelHelp(args)) console.Profile.Out.Writer.WriteLine(Environment.NewLine + ExitCodes.Help);
        // Spectre answers -1 for parse and validation errors: that is a usage error here.
        return code < 0 ? ExitCodes.Usage : code;
    }

    private static bool IsTopLevelHelp(string[] args) => args.Length == 0 || (args.Length == 1 && args[0] is "-h" or "--help" or "-?");
}
