using HealthGateway.UnitNode.Options;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Connection;

/// <summary>The unit's JWT, from configuration or re-read from a file on every connect (so rotation needs no restart).</summary>
internal sealed class BearerTokenSource(IOptions<GatewayOptions> options)
{
    public bool TryGetToken(out string token, out string? error)
    {
        var gateway = options.Value;
        error = null;
        if (!string.IsNullOrWhiteSpace(gateway.Token))
        {
            token = gateway.Token.Trim();
            return true;
        }
        try
        {
            token = File.ReadAllText(gateway.TokenFile!).Trim();
            if (token.Length > 0) return true;
            error = $"token file '{gateway.TokenFile}' is empty";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            token = "";
            error = $"cannot read token file '{gateway.TokenFile}': {e.Message}";
        }
        return false;
    }
}
