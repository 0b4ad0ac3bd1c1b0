using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace HealthGateway.Protocol.Codec;

/// <summary>
/// Checks a reply payload against its contract straight from its UTF-8 bytes (ADR 23). <b>Exact</b> when the bytes hold
/// nothing the contract does not name, so they may be passed on verbatim and a reader sees exactly what was checked.
/// Otherwise the payload is read as the protocol reads any payload (unknown fields ignored, so a unit on a newer minor
/// revision still answers) and the caller gets the checked value re-serialized, never the bytes. Refused in both cases:
/// a property twice (a reader keeping the other copy would see another value than the one checked, e.g. another
/// patient's id), and anything after the value. What makes a payload not exact:
/// <list type="bullet">
/// <item>members the contract does not have (passed through, a hostile unit could smuggle anything);</item>
/// <item>names in another casing (a reader would see a name the contract does not have);</item>
/// <item>enum values that are not exactly one of the contract's names (numbers, another casing).</item>
/// </list>
/// </summary>
public static class ReplyPayloads
{
    private static readonly JsonSerializerOptions Strict = CreateStrictOptions();
    private static readonly JsonSerializerOptions Compatible = CreateCompatibleOptions();

    private static JsonSerializerOptions CreateCompatibleOptions()
    {
        var options = new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
        {
            AllowDuplicateProperties = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
        options.MakeReadOnly();
        return options;
    }

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

    /// <summary>
    /// The payload as the contract, or null with a reason when it does not fit. <paramref name="exact"/>: the bytes hold
    /// exactly what was checked and may be passed on; false: only the returned value may.
    /// </summary>
    public static T? Read<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> contract, out bool exact, out string? error) where T : class
    {
        exact = true;
        var value = TryRead(utf8, (JsonTypeInfo<T>)Strict.GetTypeInfo(contract.Type), out error);
        if (value is not null) return value;
        exact = false;
        return TryRead(utf8, (JsonTypeInfo<T>)Compatible.GetTypeInfo(contract.Type), out error);
    }

    private static T? TryRead<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> contract, out string? error) where T : class
    {
        try
        {
            error = null;
            var value = JsonSerializer.Deserialize(utf8, contract);
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
