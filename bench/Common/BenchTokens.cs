using HealthGateway.Gateway.Auth;

namespace HealthGateway.Bench.Common;

/// <summary>Mints tokens with the gateway's dev key file, exactly as <c>mint-token</c> does.</summary>
public sealed class BenchTokens(string keyPath)
{
    private readonly TokenIssuer _issuer = new(DevSigningKey.LoadOrCreate(keyPath), new AuthOptions());

    public string Unit(string unitId) => _issuer.Mint(Roles.Unit, unitId, TimeSpan.FromHours(12));

    public string Patient(string patientId) => _issuer.Mint(Roles.Patient, patientId, TimeSpan.FromHours(12));
}
