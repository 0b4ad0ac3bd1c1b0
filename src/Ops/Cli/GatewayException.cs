namespace HealthGateway.Ops.Cli;

/// <summary>A failed gateway call, with the exit code it maps to and a message for the operator.</summary>
public sealed class GatewayException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
