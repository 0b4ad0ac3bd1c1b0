using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Options;

namespace HealthGateway.UnitNode.Tests.Connection;

public sealed class CertificatePinsTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=gateway.test", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static CertificatePins Pins(params string[] pins) =>
        CertificatePins.From(new GatewayOptions { Url = "wss://gateway.test", PinnedCertificateSha256 = pins })!;

    [Fact]
    public void No_pins_means_normal_validation() =>
        Assert.Null(CertificatePins.From(new GatewayOptions { Url = "wss://gateway.test" }));

    [Fact]
    public void The_pin_is_the_SHA256_of_the_SubjectPublicKeyInfo_in_base64()
    {
        using var certificate = SelfSigned();
        var expected = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(expected, CertificatePins.PinOf(certificate));
        Assert.Equal(44, expected.Length);
    }

    [Fact]
    public void A_matching_key_is_accepted_even_self_signed()
    {
        using var certificate = SelfSigned();
        var pins = Pins(CertificatePins.PinOf(certificate));

        Assert.True(pins.Validate(this, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(pins.Rejection);
    }

    [Fact]
    public void Another_key_is_refused_even_with_a_valid_chain()
    {
        using var certificate = SelfSigned();
        using var other = SelfSigned();
        var pins = Pins(CertificatePins.PinOf(other));

        Assert.False(pins.Validate(this, certificate, null, SslPolicyErrors.None));
        Assert.Contains(CertificatePins.PinOf(certificate), pins.Rejection); // tells the operator what the gateway presented
    }

    [Fact]
    public void A_matching_key_for_another_host_name_is_refused()
    {
        using var certificate = SelfSigned();
        var pins = Pins(CertificatePins.PinOf(certificate));

        Assert.False(pins.Validate(this, certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(pins.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }
}
