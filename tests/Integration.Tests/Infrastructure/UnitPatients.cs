namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A seeded patient of a unit running as its own process, named by the unit's <c>list-patients</c> command.</summary>
public static class UnitPatients
{
    public static Task<string> FirstAsync(string unitId, string unitDataDirectory, Func<bool>? unitAlive = null) =>
        Eventually.GetAsync(async () =>
        {
            Assert.True(unitAlive?.Invoke() ?? true, $"unit {unitId} is not running");
            await using var list = ChildProcess.Start(RepoPaths.UnitNodeDll,
                ["list-patients", "--Unit:Id", unitId, "--Unit:DataDirectory", unitDataDirectory, "--limit", "1"]);
            await Eventually.AssertAsync(() => { Assert.True(list.HasExited); return Task.CompletedTask; });
            return list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(line => line.StartsWith("p-", StringComparison.Ordinal)) ?? "";
        }, id => id.Length > 0, TimeSpan.FromSeconds(90));
}
