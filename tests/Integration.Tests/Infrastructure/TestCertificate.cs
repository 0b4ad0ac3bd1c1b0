using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A self-signed server certificate made at test time (for 127.0.0.1, localhost and gateway.test), written as
/// PEM files for Kestrel's standard <c>Kestrel:Endpoints:Https:Certificate</c> configuration.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string HostName = "gateway.test";

    private TestCertificate(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    public X509Certificate2 Certificate { get; }
    public string CertificatePath { get; }
    public string KeyPath { get; }

    public static TestCertificate Create(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, "gateway.crt");
        var keyPath = Path.Combine(directory, "gateway.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificate, certificatePath, keyPath);
    }

    /// <summary>Gateway settings for one HTTPS endpoint on a free loopback port with this certificate.</summary>
    public Dictionary<string, string?> HttpsEndpoint(string name = "Https") => new()
    {
        [$"Kestrel:Endpoints:{name}:Url"] = "https://127.0.0.1:0",
        [$"Kestrel:Endpoints:{name}:Certificate:Path"] = CertificatePath,
        [$"Kestrel:Endpoints:{name}:Certificate:KeyPath"] = KeyPath,
    };

    /// <summary>
    /// An HTTP handler that trusts exactly this certificate and connects every host name to 127.0.0.1, so
    /// <c>https://gateway.test:port</c> works without DNS (HSTS is never sent to localhost or an IP).
    /// </summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHash().AsSpan().SequenceEqual(Certificate.GetCertHash()) },
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public void Dispose() => Certificate.Dispose();
}
