using System.Text;
using System.Text.Json;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Protocol.Tests;

/// <summary>
/// <see cref="ReplyPayloads"/>: a payload whose bytes hold exactly the contract may be passed on; one that holds more (a
/// newer minor revision's fields, another casing) is read as the protocol reads any payload but only its checked value
/// may be passed on; an ambiguous one (a property twice) or one with trailing content is refused.
/// </summary>
public sealed class ReplyPayloadsTests
{
    private const string Appointment = """{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}""";

    [Theory]
    [InlineData("unknown member", """{"patientId":"p-1","appointments":[],"note":"x"}""")]
    [InlineData("unknown nested member", """{"patientId":"p-1","appointments":[{"id":"a-1","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked","x":1}]}""")]
    [InlineData("name in another casing", """{"patientId":"p-1","appointments":[],"PatientId":"p-2"}""")]
    public void What_the_contract_does_not_name_is_read_past_and_the_bytes_are_not_exact(string why, string payload)
    {
        var list = ReplyPayloads.Read(Encoding.UTF8.GetBytes(payload), ProtocolJsonContext.Default.AppointmentList, out var exact, out var error);

        Assert.True(list is not null, $"{why}: {error}");
        Assert.False(exact, why);
        Assert.Equal("p-1", list.PatientId);
        // What may be passed on instead: the checked value, which names nothing else.
        var reserialized = JsonSerializer.Serialize(list, ProtocolJsonContext.Default.AppointmentList);
        Assert.DoesNotContain("p-2", reserialized);
        Assert.DoesNotContain("note", reserialized);
    }

    [Theory]
    [InlineData("duplicate property", """{"patientId":"p-1","appointments":[],"patientId":"p-2"}""")]
    [InlineData("duplicate property, ours last", """{"patientId":"p-2","patientId":"p-1","appointments":[]}""")]
    [InlineData("duplicate nested property", """{"patientId":"p-1","appointments":[{"id":"a-1","id":"a-2","patientId":"p-1","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}]}""")]
    public void A_property_twice_is_refused_though_the_lenient_contract_reads_it(string why, string payload)
    {
        var utf8 = Encoding.UTF8.GetBytes(payload);
        Assert.NotNull(JsonSerializer.Deserialize(utf8, ProtocolJsonContext.Default.AppointmentList));

        Assert.Null(ReplyPayloads.Read(utf8, ProtocolJsonContext.Default.AppointmentList, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error), why);
    }

    [Theory]
    [InlineData("""{"patientId":"p-1","appointments":[]} {"patientId":"p-2","appointments":[]}""")]
    [InlineData("""{"patientId":"p-1","appointments":[]} // p-2""")]
    [InlineData("""{"patientId":"p-1","appointments":[],}""")]
    public void Trailing_content_comments_and_trailing_commas_are_refused(string payload)
    {
        Assert.Null(ReplyPayloads.Read(Encoding.UTF8.GetBytes(payload), ProtocolJsonContext.Default.AppointmentList, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Enum_values_are_exact_only_as_their_wire_names()
    {
        var lower = ReplyPayloads.Read("""{"patientId":"p-1","name":"Ada","gender":"female"}"""u8, ProtocolJsonContext.Default.PatientDemographics, out var exact, out _);
        Assert.Equal(AdministrativeGender.Female, lower!.Gender);
        Assert.True(exact);

        foreach (var other in new[] { """{"patientId":"p-1","name":"Ada","gender":"FEMALE"}""", """{"patientId":"p-1","name":"Ada","gender":1}""" })
        {
            var read = ReplyPayloads.Read(Encoding.UTF8.GetBytes(other), ProtocolJsonContext.Default.PatientDemographics, out exact, out _);
            Assert.False(exact && read is not null, other); // never passed on as sent
        }
    }

    [Fact]
    public void A_payload_that_fits_reads_as_the_contract_and_its_bytes_are_exact()
    {
        var list = ReplyPayloads.Read(Encoding.UTF8.GetBytes($$"""{"patientId":"p-1","appointments":[{{Appointment}}]}"""),
            ProtocolJsonContext.Default.AppointmentList, out var exact, out var error);

        Assert.Null(error);
        Assert.True(exact);
        Assert.Equal(AppointmentStatus.Booked, Assert.Single(list!.Appointments).Status);
    }
}
