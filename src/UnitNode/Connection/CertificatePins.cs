using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HealthGateway.UnitNode.Options;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Certificate pinning for the gateway connection (<c>Gateway:PinnedCertificateSha256</c>). A pin is the
/// SHA-256 of the certificate's SubjectPublicKeyInfo, so a renewed certificate with the same key still matches.
/// One instance per connection attempt: <see cref="Rejection"/> explains the last refusal.
/// </summary>
internal sealed class CertificatePins
{
    private readonly byte[][] _pins;

    private CertificatePins(byte[][] pins) => _pins = pins;

    /// <summary>Why the last certificate was refused; null if none was.</summary>
    public string? Rejection { get; private set; }

    /// <summary>The pins of <paramref name="options"/>, or null when none are configured (normal validation applies).</summary>
    public static CertificatePins? From(GatewayOptions options)
    {
        if (options.PinnedCertificateSha256.Length == 0) return null;
        return new CertificatePins(options.PinnedCertificateSha256
            .Select(p => TryParse(p, out var hash) ? hash : throw new ArgumentException($"invalid pin '{p}'", nameof(options)))
            .ToArray());
    }

    public static bool TryParse(string? pin, out byte[] hash)
    {
        hash = [];
        var buffer = new byte[SHA256.HashSizeInBytes + 1];
        if (string.IsNullOrWhiteSpace(pin) || !Convert.TryFromBase64String(pin.Trim(), buffer, out var written)
                                           || written != SHA256.HashSizeInBytes)
            return false;
        hash = buffer[..SHA256.HashSizeInBytes];
        return true;
    }

    /// <summary>The pin of a certificate, in the configured format (base64).</summary>
    public static string PinOf(X509Certificate2 certificate) => Convert.ToBase64String(Hash(certificate));

    /// <summary>
    /// TLS validation with pins: the public key must match a pin; an unknown issuer (self-signed) is accepted then,
    /// since the pin is stronger than the chain. A certificate for another host name is still refused.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("the gateway presented no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse("the gateway certificate is not issued for the host name in Gateway:Url");

        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var hash = Hash(presented);
        if (_pins.Any(pin => CryptographicOperations.FixedTimeEquals(pin, hash)))
        {
            Rejection = null;
            return true;
        }
        return Refuse($"the gateway certificate's public key (pin {Convert.ToBase64String(hash)}) matches none of Gateway:PinnedCertificateSha256");
    }

    private bool Refuse(string reason)
    {
        Rejection = reason;
        return false;
    }

    private static byte[] Hash(X509Certificate2 certificate) => SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
}
