using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Gateway.Auth;

/// <summary>
/// The development ES256 key: generated on first run, kept in the data directory with owner-only
/// permissions, never committed. Production uses an external issuer (<see cref="AuthOptions.Authority"/>).
/// </summary>
public static class DevSigningKey
{
    public static string DefaultPath(string dataDirectory) => Path.Combine(dataDirectory, "dev-signing-key.pem");

    public static ECDsaSecurityKey LoadOrCreate(string path)
    {
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(temp, options)) writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
            // Two processes starting at once: the first rename wins and both then read the same key.
            try { File.Move(temp, path, overwrite: false); }
            catch (IOException) { File.Delete(temp); }
            ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
