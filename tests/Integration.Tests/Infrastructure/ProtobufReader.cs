namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// The protobuf wire format, just enough to walk an OTLP export request by field number (no generated types: the
/// OTLP proto package is not served, and a test receiver needs only a few fields).
/// </summary>
public static class ProtobufReader
{
    /// <summary>One field: <paramref name="Bytes"/> for length-delimited fields, <paramref name="Number"/> for varints.</summary>
    public readonly record struct Field(int FieldNumber, int WireType, ulong Number, ReadOnlyMemory<byte> Bytes);

    public static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message.Span, ref position);
            var fieldNumber = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(fieldNumber, wireType, ReadVarint(message.Span, ref position), default);
                    break;
                case 1:
                    yield return new Field(fieldNumber, wireType, BitConverter.ToUInt64(message.Span.Slice(position, 8)), default);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return new Field(fieldNumber, wireType, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new Field(fieldNumber, wireType, BitConverter.ToUInt32(message.Span.Slice(position, 4)), default);
                    position += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {wireType} (field {fieldNumber})");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }
}
