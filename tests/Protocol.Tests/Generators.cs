using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

/// <summary>
/// Generators for frames with hostile but valid content: ids up to exactly 128 UTF-16 units, control
/// characters, quotes, HTML-sensitive characters, astral code points, extreme longs, odd offsets.
/// </summary>
public static class Generators
{
    private static readonly Gen<int> AnyInt = Gen.OneOf(
        Gen.Elements(0, 1, -1, int.MaxValue, int.MinValue),
        Gen.Choose(int.MinValue, int.MaxValue));

    public static readonly Gen<long> AnyLong = Gen.OneOf(
        Gen.Elements(0L, 1L, -1L, long.MaxValue, long.MinValue, 9_007_199_254_740_993L),
        Gen.Choose(-1000, 1000).Select(i => (long)i),
        Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(t => ((long)t.Item1 << 32) | (uint)t.Item2));

    public static readonly Gen<long> NonNegativeLong = AnyLong.Select(l => l & long.MaxValue);

    /// <summary>One text element: mostly printable ASCII, sometimes anything that stresses escaping.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency(
        (8, Gen.Choose(0x20, 0x7E).Select(i => ((char)i).ToString())),
        (1, Gen.Choose(0x00, 0x1F).Select(i => ((char)i).ToString())),
        (1, Gen.Elements("\"", "\\", "/", "<", ">", "&", "'", "+", "`", "\u007f", "\u00a0", "\u00e9", "\u2028", "\u2029",
            "\u200b", "\ufeff", "\ufffd", "\uffff", "\u6771")),
        (1, Gen.Choose(0x80, 0xD7FF).Select(i => ((char)i).ToString())),
        (1, Gen.Choose(0xE000, 0xFFFF).Select(i => ((char)i).ToString())),
        (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));

    /// <summary>Valid UTF-16 (no lone surrogates) of at most <paramref name="max"/> UTF-16 units.</summary>
    public static Gen<string> Text(int max) =>
        Gen.OneOf(Gen.Choose(0, Math.Min(max, 24)), Gen.Choose(Math.Max(0, max - 4), max))
            .SelectMany(n => Gen.ArrayOf(Piece, n))
            .Select(pieces => Cut(string.Concat(pieces), max));

    private static string Cut(string s, int max) =>
        s.Length <= max ? s : char.IsHighSurrogate(s[max - 1]) ? s[..(max - 1)] : s[..max];

    /// <summary>A valid protocol id: not blank, at most 128 UTF-16 units.</summary>
    public static readonly Gen<string> Id = Text(ProtocolConstants.MaxIdLength).Where(s => !string.IsNullOrWhiteSpace(s));

    private static readonly Gen<string> Operation = Gen.OneOf(
        Gen.Elements(Operations.ListAppointments, Operations.ListInvoices, Operations.GetRecords, Operations.BookAppointment), Id);

    public static readonly Gen<DateTimeOffset> Instant =
        from day in Gen.Choose(0, 365 * 200)
        from second in Gen.Choose(0, 86_399)
        from ticks in Gen.OneOf(Gen.Constant(0), Gen.Choose(0, 9_999_999))
        from offset in Gen.OneOf(Gen.Constant(0), Gen.Choose(-14 * 60, 14 * 60))
        select new DateTimeOffset(new DateTime(1950, 1, 1).AddDays(day).AddSeconds(second).AddTicks(ticks), TimeSpan.FromMinutes(offset));

    private static readonly Gen<string> JsonScalar = Gen.OneOf(
        Gen.Elements("null", "true", "false", "0", "-0", "1.50", "1e3", "-2.5E-7", "123456789012345678901234567890"),
        AnyLong.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Text(30).Select(s => JsonSerializer.Serialize(s)));

    private static Gen<string> JsonText(int depth) => depth == 0
        ? JsonScalar
        : Gen.Frequency(
            (3, JsonScalar),
            (1, Gen.ListOf(JsonText(depth - 1), 4).Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Zip(Text(12), JsonText(depth - 1)), n))
                .Select(pairs => "{" + string.Join(",", pairs.DistinctBy(p => p.Item1)
                    .Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}")));

    /// <summary>Any JSON value up to 4 levels deep, written compactly with default escaping.</summary>
    public static readonly Gen<JsonElement> Payload = JsonText(4).Select(Samples.Element);

    private static readonly Gen<JsonElement?> OptionalPayload =
        Gen.Frequency((1, Gen.Constant<JsonElement?>(null)),
            (2, Payload.Where(e => e.ValueKind != JsonValueKind.Null).Select(e => (JsonElement?)e))); // JSON null = no payload

    private static Gen<string?> Optional(Gen<string> gen) =>
        Gen.Frequency((1, Gen.Constant<string?>(null)), (2, gen.Select(s => (string?)s)));

    public static readonly Gen<Hello> Hello =
        from version in AnyInt
        from unitId in Id
        from software in Text(200)
        from seq in NonNegativeLong
        select new Hello(version, unitId, software, seq);

    public static readonly Gen<Request> Request =
        from id in Id
        from operation in Operation
        from patientId in Id
        from deadline in Instant
        from payload in OptionalPayload
        from correlationId in Optional(Text(64))
        from traceParent in Optional(Text(ProtocolConstants.MaxTraceParentLength))
        from traceState in Optional(Text(ProtocolConstants.MaxTraceStateLength))
        select new Request(id, operation, patientId, deadline, payload, correlationId, traceParent, traceState);

    public static readonly Gen<Reply> Reply =
        from id in Id
        from status in Gen.Elements(Enum.GetValues<ReplyStatus>())
        from payload in OptionalPayload
        from error in Optional(Text(100))
        select new Reply(id, status, payload, error);

    public static readonly Gen<Deliver> Deliver =
        from seq in NonNegativeLong.Select(s => Math.Max(1, s))
        from messageId in Id
        from operation in Operation
        from patientId in Id
        from expiresAt in Instant
        from payload in Payload
        from correlationId in Optional(Text(64))
        from traceParent in Optional(Text(ProtocolConstants.MaxTraceParentLength))
        from traceState in Optional(Text(ProtocolConstants.MaxTraceStateLength))
        select new Deliver(seq, messageId, operation, patientId, expiresAt, payload, correlationId, null, traceParent, traceState);

    private static readonly Gen<DeliveryOutcome> Outcome =
        from seq in AnyLong
        from messageId in Text(40)
        from status in Gen.Elements(Enum.GetValues<OutcomeStatus>())
        from result in OptionalPayload
        from reason in Optional(Text(60))
        select new DeliveryOutcome(seq, messageId, status, result, reason);

    public static readonly Gen<Ack> Ack =
        from upTo in NonNegativeLong
        from outcomes in Gen.Frequency(
            (1, Gen.Constant<IReadOnlyList<DeliveryOutcome>?>(null)),
            (3, Gen.ListOf(Outcome, 6).Select(l => (IReadOnlyList<DeliveryOutcome>?)l)))
        select new Ack(upTo, outcomes);

    private static readonly Gen<string> Kind = Gen.OneOf(
        Gen.Elements(UnitEventKinds.PatientRegistered, UnitEventKinds.AppointmentBooked, UnitEventKinds.InvoicePaid), Id);

    public static readonly Gen<EventBatch> EventBatch =
        from count in Gen.Frequency((9, Gen.Choose(1, 8)), (1, Gen.Constant(ProtocolConstants.MaxEventsPerFrame)))
        from first in NonNegativeLong.Select(s => 1 + (s >> 2))
        from steps in Gen.ArrayOf(Gen.OneOf(Gen.Constant(1L), Gen.Choose(1, 1_000_000).Select(i => (long)i)), count)
        from ids in Gen.ArrayOf(Gen.Zip(Id, Gen.Zip(Kind, Id)), Math.Min(count, 8))
        from times in Gen.ArrayOf(Instant, Math.Min(count, 8))
        from payloads in Gen.ArrayOf(OptionalPayload, Math.Min(count, 8))
        select new EventBatch([.. steps.Select((_, i) => new UnitEvent(
            first + steps.Take(i).Sum(),
            ids[i % ids.Length].Item1, ids[i % ids.Length].Item2.Item1, ids[i % ids.Length].Item2.Item2,
            times[i % times.Length], payloads[i % payloads.Length]))]);

    public static readonly Gen<Frame> AnyFrame = Gen.OneOf(
        Hello.Select(f => (Frame)f), Request.Select(f => (Frame)f), Reply.Select(f => (Frame)f),
        Deliver.Select(f => (Frame)f), Ack.Select(f => (Frame)f), EventBatch.Select(f => (Frame)f),
        Gen.Zip(Text(30), Text(200)).Select(t => (Frame)new ErrorFrame(t.Item1, t.Item2)),
        AnyLong.Select(n => (Frame)new Ping(n)), AnyLong.Select(n => (Frame)new Pong(n)),
        Gen.Zip(Gen.Zip(AnyLong, AnyLong), Gen.Zip(AnyInt, AnyInt))
            .Select(t => (Frame)new Welcome(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2)));

    // Arbitraries picked up by [Property(Arbitrary = [typeof(Generators)])], by parameter type.
    public static Arbitrary<Hello> HelloArb() => Hello.ToArbitrary();
    public static Arbitrary<Request> RequestArb() => Request.ToArbitrary();
    public static Arbitrary<Reply> ReplyArb() => Reply.ToArbitrary();
    public static Arbitrary<Deliver> DeliverArb() => Deliver.ToArbitrary();
    public static Arbitrary<Ack> AckArb() => Ack.ToArbitrary();
    public static Arbitrary<EventBatch> EventBatchArb() => EventBatch.ToArbitrary();
    public static Arbitrary<Frame> FrameArb() => AnyFrame.ToArbitrary();
}
