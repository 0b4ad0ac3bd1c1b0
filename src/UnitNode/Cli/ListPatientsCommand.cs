using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Cli;

/// <summary><c>list-patients</c>: prints patient ids of the unit's database, one per line, without connecting anywhere.</summary>
internal static class ListPatientsCommand
{
    public const int DefaultLimit = 100;

    public static async Task<int> RunAsync(IHost host, int? limit, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        UnitOptions unit;
        try
        {
            unit = host.Services.GetRequiredService<IOptions<UnitOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync(string.Join(Environment.NewLine, e.Failures));
            return ExitCodes.BadConfiguration;
        }

        var database = host.Services.GetRequiredService<UnitDatabase>();
        if (!File.Exists(database.FilePath) && unit.SeedPatients == 0)
        {
            await error.WriteLineAsync(
                $"No database for unit '{unit.Id}' at {database.FilePath}. Seed one with --seed-patients <n>, or check --Unit:DataDirectory.");
            return ExitCodes.NotFound;
        }

        host.Services.GetRequiredService<StoreInitializer>().Initialize();
        var ids = await host.Services.GetRequiredService<UnitStore>().ListPatientIdsAsync(limit ?? DefaultLimit, cancellationToken);
        foreach (var id in ids) await output.WriteLineAsync(id);
        await output.FlushAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
