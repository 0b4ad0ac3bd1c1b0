using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// Cluster traffic over TLS: two gateway processes with a certificate generated for the test form one
/// cluster through Akka.Remote's TLS transport (mutual authentication, chain validated: the processes
/// trust the test certificate through SSL_CERT_FILE, as nodes trust a company CA).
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private const string Password = "test-only";
    private readonly TempDirectory _temp = new();
    private string _pfxPath = "";
    private string _trustPath = "";

    public Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var directory = Directory.CreateDirectory(_temp.Sub("tls")).FullName;
        _pfxPath = Path.Combine(directory, "node.pfx");
        File.WriteAllBytes(_pfxPath, certificate.Export(X509ContentType.Pfx, Password));
        _trustPath = Path.Combine(directory, "trusted.pem");
        File.WriteAllText(_trustPath, certificate.ExportCertificatePem());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private GatewayProcess TlsNode(int clusterPort, int seedPort) => new(_temp.Sub("gw"),
        new Dictionary<string, string>
        {
            ["Gateway:ClusterPort"] = clusterPort.ToString(),
            ["Gateway:SeedNodes:0"] = $"akka.ssl.tcp://gateway@127.0.0.1:{seedPort}",
            ["Gateway:Cluster:Tls:CertificatePath"] = _pfxPath,
            ["Gateway:Cluster:Tls:CertificatePassword"] = Password,
            ["Logging:LogLevel:Akka"] = "Information",
        },
        new Dictionary<string, string> { ["SSL_CERT_FILE"] = _trustPath });

    [Fact]
    public async Task Two_gateway_nodes_form_one_cluster_over_TLS()
    {
        var seedPort = FreePort.Next();
        await using var a = TlsNode(seedPort, seedPort);
        await a.StartAsync();
        await using var b = TlsNode(FreePort.Next(), seedPort);
        await b.StartAsync();

        // B was welcomed into A's cluster over the TLS transport (akka.ssl.tcp), and A saw B come up.
        await Eventually.AssertAsync(() =>
        {
            Assert.Contains($"Welcome from [akka.ssl.tcp://gateway@127.0.0.1:{seedPort}]", b.Output);
            Assert.Contains("is JOINING", a.Output);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("certificate validation failed", a.Output + b.Output);
    }
}
