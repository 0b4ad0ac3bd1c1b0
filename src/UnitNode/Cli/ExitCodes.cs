namespace HealthGateway.UnitNode.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int NotFound = 1;
    public const int BadArguments = 2;
    public const int BadConfiguration = 3;
}
