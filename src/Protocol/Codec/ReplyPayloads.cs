using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace HealthGateway.Protocol.Codec;

/// <summary>
/// Checks a reply payload against its contract straight from its UTF-8 bytes, strictly enough that the same bytes may be
/// passed on verbatim (ADR 23): what passes holds nothing the contract does not name, so a reader of the bytes sees
/// exactly what was checked. Beyond the frame codec's rules it refuses:
/// <list type="bullet">
/// <item>members the contract does not have (the frame codec ignores them for compatible protocol revisions; passed
/// through, a hostile unit could smuggle anything);</item>
/// <item>a property twice (a reader keeping the other copy would see another value than the one checked, e.g. another
/// patient's id);</item>
/// <item>names in another casing (a reader would see a name the contract does not have);</item>
/// <item>enum values that are not exactly one of the contract's names (no numbers, no other casing);</item>
/// <item>anything after the value (comments, a second value).</item>
/// </list>
/// </summary>
public static class ReplyPayloads
{
    private static readonly JsonSerializerOptions Strict = CreateStrictOptions();

    private static JsonSerializerOptions CreateStrictOptions()
    {
        var options = new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            PropertyNameCaseInsensitive = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
        options.Converters.Insert(0, new ExactEnumConverterFactory());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The payload as the contract, or null with a reason when it does not fit.</summary>
    public static T? Read<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> contract, out string? error) where T : class
    {
        try
        {
            error = null;
            var strict = (JsonTypeInfo<T>)Strict.GetTypeInfo(contract.Type);
            var value = JsonSerializer.Deserialize(utf8, strict);
            if (value is null) error = "payload is null";
            return value;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>Enums read only as one of their exact wire names (<see cref="JsonStringEnumMemberNameAttribute"/>).</summary>
    private sealed class ExactEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ExactEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class ExactEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private readonly (byte[] Name, TEnum Value)[] _members = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (System.Text.Encoding.UTF8.GetBytes(f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name),
                (TEnum)f.GetValue(null)!))
            .ToArray();

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
                foreach (var (name, value) in _members)
                    if (reader.ValueTextEquals(name)) return value;
            throw new JsonException($"not one of the names of {typeof(TEnum).Name}");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            foreach (var (name, member) in _members)
                if (EqualityComparer<TEnum>.Default.Equals(member, value))
                {
                    writer.WriteStringValue(name);
                    return;
                }
            throw new JsonException($"{value} is not a member of {typeof(TEnum).Name}");
        }
    }
}
