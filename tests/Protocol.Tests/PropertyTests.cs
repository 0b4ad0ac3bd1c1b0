using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

public class PropertyTests
{
    // ---------- round trips ----------

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void Any_hello_round_trips(Hello hello) => FrameAssert.RoundTrip(hello);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void Any_request_round_trips(Request request) => FrameAssert.RoundTrip(request);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 200, QuietOnSuccess = true)]
    public void Any_reply_round_trips(Reply reply) => FrameAssert.RoundTrip(reply);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 200, QuietOnSuccess = true)]
    public void Any_deliver_round_trips(Deliver deliver) => FrameAssert.RoundTrip(deliver);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void Any_ack_round_trips(Ack ack) => FrameAssert.RoundTrip(ack);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 200, QuietOnSuccess = true)]
    public void Any_event_batch_round_trips(EventBatch batch) => FrameAssert.RoundTrip(batch);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void Any_frame_round_trips(Frame frame) => FrameAssert.RoundTrip(frame);

    // ---------- Decode never throws ----------

    [Property(MaxTest = 2000, QuietOnSuccess = true)]
    public void Arbitrary_bytes_never_make_decode_throw(byte[] bytes) => FrameAssert.WellFormed(FrameCodec.Decode(bytes));

    private static readonly Gen<string> Token = Gen.Elements(
        "{", "}", "[", "]", ":", ",", " ", "\"", "\\", "\"type\"", "\"hello\"", "\"ack\"", "\"event\"", "\"reply\"", "\"deliver\"",
        "\"ping\"", "\"nonce\"", "\"unitId\"", "\"events\"", "\"outcomes\"", "\"status\"", "\"ok\"", "\"applied\"", "\"seq\"",
        "\"upToSeq\"", "\"payload\"", "\"2026-11-26T09:30:00+00:00\"", "null", "true", "0", "-1", "1", "1.5", "1e400",
        "9223372036854775808", "\"\\ud800\"", "\"\\u0000\"", "\"x\"", "\"\"");

    /// <summary>Token soup reaches far deeper into the decoder than random bytes, which mostly die at byte one.</summary>
    [Property(MaxTest = 3000, QuietOnSuccess = true)]
    public Property Json_like_token_soup_never_makes_decode_throw() =>
        Prop.ForAll(Gen.ListOf(Token).Select(t => Encoding.UTF8.GetBytes("{\"type\":" + string.Concat(t))).ToArbitrary(),
            bytes => FrameAssert.WellFormed(FrameCodec.Decode(bytes)));

    private static readonly Gen<byte[]> Mutated =
        from frame in Generators.AnyFrame
        let bytes = FrameCodec.Encode(frame)
        from edits in Gen.ListOf(Gen.Zip(Gen.Choose(0, 2), Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 255))), 4)
        select edits.Aggregate(bytes, (b, e) =>
        {
            var at = b.Length == 0 ? 0 : e.Item2.Item1 % b.Length;
            var value = (byte)e.Item2.Item2;
            return e.Item1 switch
            {
                0 when b.Length > 0 => [.. b[..at], .. b[(at + 1)..]],  // delete
                1 => [.. b[..at], value, .. b[at..]],                   // insert
                _ when b.Length > 0 => [.. b[..at], value, .. b[(at + 1)..]], // replace
                _ => b,
            };
        });

    [Property(MaxTest = 3000, QuietOnSuccess = true)]
    public Property Mutated_valid_frames_never_make_decode_throw() =>
        Prop.ForAll(Mutated.ToArbitrary(), bytes => FrameAssert.WellFormed(FrameCodec.Decode(bytes)));

    // ---------- truncation ----------

    /// <summary>
    /// The encoder writes one object and nothing after its closing brace, so no strict prefix of a frame is
    /// a JSON object: every cut is malformed_json. With trailing whitespace appended, a cut that keeps the
    /// whole object (and some of the whitespace) is valid JSON again and must decode to the same frame.
    /// </summary>
    [Property(MaxTest = 1000, QuietOnSuccess = true)]
    public Property Truncated_frames_are_malformed_json_unless_the_whole_object_survives() =>
        Prop.ForAll(
            (from frame in Generators.AnyFrame
             from padding in Gen.Elements("", " ", "\n", "\r\n\t ")
             from cut in Gen.Choose(0, int.MaxValue)
             select (frame, padding, cut)).ToArbitrary(),
            t =>
            {
                var whole = FrameCodec.Encode(t.frame);
                byte[] padded = [.. whole, .. Encoding.UTF8.GetBytes(t.padding)];
                var length = t.cut % padded.Length; // 0 .. padded.Length - 1: always a strict prefix
                var result = FrameCodec.Decode(padded.AsSpan(0, length));
                FrameAssert.WellFormed(result);
                if (length < whole.Length)
                {
                    Assert.Equal(ProtocolErrorCode.MalformedJson, result.Error?.Code);
                }
                else
                {
                    Assert.True(result.IsSuccess, result.Error?.ToString());
                    FrameAssert.Equal(t.frame, result.Frame!);
                }
            });

    /// <summary>Every cut of a whole frame, exhaustively (small frames: the loop is quadratic).</summary>
    [Property(MaxTest = 100, QuietOnSuccess = true)]
    public Property Every_strict_prefix_of_a_frame_is_malformed_json() =>
        Prop.ForAll(Generators.AnyFrame.Select(FrameCodec.Encode).Where(b => b.Length <= 2048).ToArbitrary(), bytes =>
        {
            for (var length = 0; length < bytes.Length; length++)
                Assert.Equal(ProtocolErrorCode.MalformedJson, FrameCodec.Decode(bytes.AsSpan(0, length)).Error?.Code);
        });

    // ---------- limits ----------

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void A_frame_fits_a_cap_of_its_own_size_and_not_one_byte_less(Frame frame)
    {
        var bytes = FrameCodec.Encode(frame);
        Assert.True(FrameCodec.Decode(bytes, bytes.Length).IsSuccess);
        var error = FrameCodec.Decode(bytes, bytes.Length - 1).Error;
        Assert.Equal(ProtocolErrorCode.TooLarge, error?.Code);
        Assert.Equal(CloseCodes.FrameTooLarge, error?.CloseCode);
    }

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public Property An_id_longer_than_128_utf16_units_is_invalid_field(Hello hello) =>
        Prop.ForAll(Gen.Choose(ProtocolConstants.MaxIdLength + 1, 1000).SelectMany(n => Generators.Text(n).Where(s => s.Length == n)).ToArbitrary(),
            longId => Assert.Equal(ProtocolErrorCode.InvalidField,
                FrameCodec.Decode(FrameCodec.Encode(hello with { UnitId = longId })).Error?.Code));

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public void A_negative_last_applied_seq_is_invalid_field(Hello hello, NegativeInt negative) =>
        Assert.Equal(ProtocolErrorCode.InvalidField,
            FrameCodec.Decode(FrameCodec.Encode(hello with { LastAppliedSeq = -hello.LastAppliedSeq - negative.Get * 0L - 1 })).Error?.Code);

    [Property(Arbitrary = [typeof(Generators)], MaxTest = 300, QuietOnSuccess = true)]
    public Property A_batch_whose_seqs_stop_increasing_is_invalid_field(EventBatch batch) =>
        Prop.ForAll(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 1000)).ToArbitrary(), t =>
        {
            var events = batch.Events.ToList();
            if (events.Count < 2) events.Add(events[0] with { Seq = events[0].Seq + 1 });
            var at = 1 + t.Item1 % (events.Count - 1);
            events[at] = events[at] with { Seq = events[at - 1].Seq - t.Item2 }; // equal or smaller than its predecessor
            Assert.Equal(ProtocolErrorCode.InvalidField, FrameCodec.Decode(FrameCodec.Encode(new EventBatch(events))).Error?.Code);
        });
}
