namespace HealthGateway.Ops.Cli;

/// <summary>hgw's exit codes; scripts rely on them (listed in <c>hgw --help</c> and docs/operations.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Unauthorized = 4;
    public const int Unreachable = 5;

    public const string Help = """
        Exit codes:
          0  ok
          1  unexpected error (including a gateway error not listed here)
          2  usage error (unknown verb, bad option)
          3  not found (unit, operation, cluster member)
          4  unauthorized or forbidden (missing, invalid or non-admin token)
          5  gateway unreachable (connection refused, timeout)
        """;
}
