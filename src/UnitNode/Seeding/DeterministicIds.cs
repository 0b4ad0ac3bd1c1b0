using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HealthGateway.UnitNode.Seeding;

/// <summary>
/// Ids and random seeds derived from SHA-256, so the same unit id always yields the same data
/// (string.GetHashCode is randomized per process and unusable here).
/// </summary>
public static class DeterministicIds
{
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>
    /// Opaque patient id: "p-" + 12 base32 characters (60 bits) of SHA-256("{unitId}:{index}").
    /// It must not reveal the unit: the gateway's directory decides routing, and patients move between units.
    /// 60 bits keep the chance of any collision among 5M patients around 1e-5.
    /// </summary>
    public static string PatientId(string unitId, int index) => "p-" + Base32Prefix($"{unitId}:{index}", 12);

    /// <summary>Id of the <paramref name="ordinal"/>-th child row of one kind (appointment, invoice) of an owner.</summary>
    public static string ChildId(string prefix, string ownerId, string kind, int ordinal) =>
        prefix + Base32Prefix($"{ownerId}:{kind}:{ordinal}", 12);

    /// <summary>A stable 32-bit seed for <see cref="Random"/>.</summary>
    public static int Seed(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadInt32LittleEndian(hash);
    }

    internal static string Base32Prefix(string text, int length)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        Span<char> chars = stackalloc char[length];
        // Read the hash as a bit string, 5 bits per character.
        for (var i = 0; i < length; i++)
        {
            var bit = i * 5;
            var pair = (hash[bit / 8] << 8) | hash[bit / 8 + 1];
            chars[i] = Base32Alphabet[(pair >> (11 - bit % 8)) & 0x1F];
        }
        return new string(chars);
    }
}
