namespace HealthGateway.Gateway.Hosting;

/// <summary>
/// Configuration section <c>Gateway:Cluster:Tls</c>: Akka.Remote between gateway nodes over TLS (mutual:
/// every node presents the certificate and checks its peer's). Off unless a certificate is configured.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Gateway:Cluster:Tls";

    /// <summary>PKCS#12 (.pfx) file with the node's certificate and private key. Empty: cluster traffic is plain TCP.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Skips chain validation of the peer's certificate (traffic is still encrypted). Only for throw-away
    /// self-signed setups; a real cluster uses certificates whose issuer every node trusts.
    /// </summary>
    public bool SuppressValidation { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>The DotNetty transport's TLS settings, or empty when TLS is off.</summary>
    public string ToHocon()
    {
        if (!Enabled) return "";
        if (!File.Exists(CertificatePath)) throw new FileNotFoundException($"{Section}:CertificatePath not found: {CertificatePath}", CertificatePath);
        return $$"""
            akka.remote.dot-netty.tcp {
              enable-ssl = true
              ssl {
                certificate {
                  path = {{Quote(Path.GetFullPath(CertificatePath!))}}
                  password = {{Quote(CertificatePassword ?? "")}}
                }
                suppress-validation = {{(SuppressValidation ? "true" : "false")}}
                require-mutual-authentication = true
              }
            }
            """;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
