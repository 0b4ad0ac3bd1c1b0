using System.Text;
using System.Text.Json;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Protocol.Tests;

/// <summary>
/// <see cref="ReplyPayloads"/>: each payload here is read happily by the frame codec's lenient contract (so a check that
/// used it would pass the bytes on), and refused by the strict one.
/// </summary>
public sealed class ReplyPayloadsTests
{
    private const string Appointment = """{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}""";

    [Theory]
    [InlineData("unknown member", """{"patientId":"p-1","appointments":[],"note":"x"}""")]
    [InlineData("unknown nested member", """{"patientId":"p-1","appointments":[{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked","x":1}]}""")]
    [InlineData("duplicate property", """{"patientId":"p-1","appointments":[],"patientId":"p-2"}""")]
    [InlineData("duplicate nested property", """{"patientId":"p-1","appointments":[{"id":"a-1","id":"a-2","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}]}""")]
    [InlineData("name in another casing", """{"patientId":"p-1","appointments":[],"PatientId":"p-2"}""")]
    [InlineData("enum as a number", """{"patientId":"p-1","appointments":[{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":1}]}""")]
    public void What_the_lenient_contract_lets_through_the_strict_one_refuses(string why, string payload)
    {
        var utf8 = Encoding.UTF8.GetBytes(payload);
        Assert.NotNull(JsonSerializer.Deserialize(utf8, ProtocolJsonContext.Default.AppointmentList));

        Assert.Null(ReplyPayloads.Read(utf8, ProtocolJsonContext.Default.AppointmentList, out var error));
        Assert.False(string.IsNullOrEmpty(error), why);
    }

    [Theory]
    [InlineData("""{"patientId":"p-1","appointments":[]} {"patientId":"p-2","appointments":[]}""")]
    [InlineData("""{"patientId":"p-1","appointments":[]} // p-2""")]
    [InlineData("""{"patientId":"p-1","appointments":[],}""")]
    [InlineData("""{"patientId":"p-1","appointments":[{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"Booked"}]}""")]
    public void Trailing_content_comments_trailing_commas_and_enum_names_in_another_casing_are_refused(string payload)
    {
        Assert.Null(ReplyPayloads.Read(Encoding.UTF8.GetBytes(payload), ProtocolJsonContext.Default.AppointmentList, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void An_optional_enum_is_held_to_its_exact_names_too()
    {
        var lower = ReplyPayloads.Read("""{"patientId":"p-1","name":"Ada","gender":"female"}"""u8, ProtocolJsonContext.Default.PatientDemographics, out _);
        Assert.Equal(AdministrativeGender.Female, lower!.Gender);

        Assert.Null(ReplyPayloads.Read("""{"patientId":"p-1","name":"Ada","gender":"FEMALE"}"""u8, ProtocolJsonContext.Default.PatientDemographics, out _));
        Assert.Null(ReplyPayloads.Read("""{"patientId":"p-1","name":"Ada","gender":0}"""u8, ProtocolJsonContext.Default.PatientDemographics, out _));
    }

    [Fact]
    public void A_payload_that_fits_reads_as_the_contract()
    {
        var list = ReplyPayloads.Read(Encoding.UTF8.GetBytes($$"""{"patientId":"p-1","appointments":[{{Appointment}}]}"""),
            ProtocolJsonContext.Default.AppointmentList, out var error);

        Assert.Null(error);
        Assert.Equal(AppointmentStatus.Booked, Assert.Single(list!.Appointments).Status);
    }
}
