namespace HealthGateway.Bench.Common;

/// <summary>
/// Unit and patient ids every bench tool derives the same way, so the load generator can pick
/// random patients that the simulated units registered without talking to them.
/// </summary>
public static class BenchIds
{
    public static string Unit(int unit) => $"bench-u{unit:D5}";

    public static string Patient(int unit, int patient) => $"bench-u{unit:D5}-p{patient:D5}";
}
