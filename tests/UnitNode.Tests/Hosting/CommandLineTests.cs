using HealthGateway.UnitNode.Cli;
using HealthGateway.UnitNode.Tests.Support;

namespace HealthGateway.UnitNode.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void Seed_patients_becomes_the_unit_setting_and_other_args_pass_through()
    {
        var parsed = CommandLine.Parse(["--seed-patients", "250", "--Unit:Id", "unit-1"]);
        Assert.Equal(CommandVerb.Run, parsed.Verb);
        Assert.Null(parsed.Error);
        Assert.Equal(["--Unit:SeedPatients=250", "--Unit:Id", "unit-1"], parsed.HostArgs);
    }

    [Fact]
    public void List_patients_reads_its_limit()
    {
        var parsed = CommandLine.Parse(["list-patients", "--Unit:Id", "unit-1", "--limit=5"]);
        Assert.Equal(CommandVerb.ListPatients, parsed.Verb);
        Assert.Equal(5, parsed.Limit);
        Assert.Equal(["--Unit:Id", "unit-1"], parsed.HostArgs);
    }

    [Theory]
    [InlineData("--seed-patients", "many")]
    [InlineData("--seed-patients", "-3")]
    public void Bad_numbers_are_reported(string name, string value) =>
        Assert.NotNull(CommandLine.Parse([name, value]).Error);

    [Fact]
    public async Task List_patients_prints_the_seeded_ids_one_per_line_without_connecting()
    {
        using var directory = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await UnitNodeApp.RunAsync(
            ["list-patients", "--Unit:Id", "unit-9", "--Unit:DataDirectory", directory.Path, "--seed-patients", "12", "--limit", "5"],
            output, error);

        Assert.Equal(0, exitCode);
        using var harness = new StoreHarness("unit-9", directory.Path);
        var expected = (await harness.Store.ListPatientIdsAsync()).Take(5);
        Assert.Equal(expected, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task List_patients_without_a_database_says_how_to_make_one()
    {
        using var directory = new TempDirectory();
        var error = new StringWriter();

        var exitCode = await UnitNodeApp.RunAsync(["list-patients", "--Unit:Id", "unit-9", "--Unit:DataDirectory", directory.Path],
            new StringWriter(), error);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--seed-patients", error.ToString());
        Assert.False(File.Exists(Path.Combine(directory.Path, "unit-9.db")));
    }
}
