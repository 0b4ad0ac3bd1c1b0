using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Protocol.Tests;

/// <summary>Operation payloads and reply payloads: ToElement / FromElement and their JSON shape.</summary>
public class ContractTests
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    /// <summary>Contract name -> (sample, decode a payload into it).</summary>
    internal static readonly IReadOnlyDictionary<string, (object Sample, JsonTypeInfo TypeInfo, Func<JsonElement, (object? Value, string? Error)> From)> Contracts =
        new Dictionary<string, (object, JsonTypeInfo, Func<JsonElement, (object?, string?)>)>
        {
            ["AppointmentList"] = Entry(Samples.AppointmentList, Json.AppointmentList),
            ["InvoiceList"] = Entry(Samples.InvoiceList, Json.InvoiceList),
            ["MedicalRecord"] = Entry(Samples.MedicalRecord, Json.MedicalRecord),
            ["PatientDemographics"] = Entry(Samples.PatientDemographics, Json.PatientDemographics),
            ["BookAppointment"] = Entry(Samples.BookAppointment, Json.BookAppointment),
            ["RescheduleAppointment"] = Entry(Samples.RescheduleAppointment, Json.RescheduleAppointment),
            ["CancelAppointment"] = Entry(Samples.CancelAppointment, Json.CancelAppointment),
            ["PayInvoice"] = Entry(Samples.PayInvoice, Json.PayInvoice),
            ["PatientRegistered"] = Entry(Samples.PatientRegistered, Json.PatientRegistered),
            ["PatientReleased"] = Entry(Samples.PatientReleased, Json.PatientReleased),
            ["Appointment"] = Entry(Samples.Appointment, Json.Appointment),
            ["Invoice"] = Entry(Samples.Invoice, Json.Invoice),
        };

    private static (object, JsonTypeInfo, Func<JsonElement, (object?, string?)>) Entry<T>(T sample, JsonTypeInfo<T> typeInfo) where T : class =>
        (sample, typeInfo, element => (FrameCodec.FromElement(element, typeInfo, out var error), error));

    public static TheoryData<string> ContractNames => [.. Contracts.Keys];

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Every_contract_round_trips_through_a_json_element(string name)
    {
        var (sample, typeInfo, from) = Contracts[name];
        var element = JsonSerializer.SerializeToElement(sample, typeInfo);
        var (value, error) = from(element);
        Assert.Null(error);
        Assert.NotNull(value);
        Assert.Equivalent(sample, value, strict: true);
        Assert.Equal(element.GetRawText(), JsonSerializer.SerializeToElement(value, typeInfo).GetRawText());
    }

    [Theory]
    [InlineData("AppointmentList", "patientId,appointments")]
    [InlineData("Appointment", "id,patientId,startsAt,durationMinutes,clinician,reason,status")]
    [InlineData("InvoiceList", "patientId,invoices")]
    [InlineData("Invoice", "id,patientId,issuedOn,amountCents,currency,description,status")]
    [InlineData("MedicalRecord", "patientId,allergies,conditions,medications,encounters")]
    [InlineData("PatientDemographics", "patientId,name,gender,birthDate")]
    [InlineData("BookAppointment", "startsAt,durationMinutes,clinician,reason")]
    [InlineData("RescheduleAppointment", "appointmentId,startsAt")]
    [InlineData("CancelAppointment", "appointmentId,reason")]
    [InlineData("PayInvoice", "invoiceId,amountCents,currency,paymentReference")]
    [InlineData("PatientRegistered", "displayName")]
    public void Contracts_serialize_with_camelCase_names(string name, string fields)
    {
        var (sample, typeInfo, _) = Contracts[name];
        var element = JsonSerializer.SerializeToElement(sample, typeInfo);
        Assert.Equal(fields.Split(','), element.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Demographics_without_the_optional_fields_read_and_are_left_out_when_absent()
    {
        var element = JsonDocument.Parse("""{"patientId":"p","name":"Ben Novak"}""").RootElement;
        var value = FrameCodec.FromElement(element, Json.PatientDemographics, out var error);
        Assert.Null(error);
        Assert.Equal(new PatientDemographics("p", "Ben Novak"), value);
        Assert.Equal("""{"patientId":"p","name":"Ben Novak"}""", JsonSerializer.Serialize(value!, Json.PatientDemographics));
        Assert.Equal("female", JsonSerializer.SerializeToElement(Samples.PatientDemographics, Json.PatientDemographics).GetProperty("gender").GetString());
    }

    [Fact]
    public void Medical_record_parts_serialize_with_camelCase_names_and_plain_dates()
    {
        var record = FrameCodec.ToElement(Samples.MedicalRecord, Json.MedicalRecord);
        Assert.Equal(["substance", "reaction", "severity"], record.GetProperty("allergies")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["code", "display", "onset"], record.GetProperty("conditions")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "dosage", "since"], record.GetProperty("medications")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["at", "kind", "clinician", "summary"], record.GetProperty("encounters")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("2019-04-02", record.GetProperty("conditions")[0].GetProperty("onset").GetString());
        Assert.Equal("2026-10-14T10:15:00+02:00", record.GetProperty("encounters")[0].GetProperty("at").GetString());
    }

    [Fact]
    public void Money_is_integer_minor_units_with_a_currency_and_dates_are_iso8601()
    {
        var invoice = FrameCodec.ToElement(Samples.InvoiceList, Json.InvoiceList).GetProperty("invoices")[0];
        Assert.Equal(JsonValueKind.Number, invoice.GetProperty("amountCents").ValueKind);
        Assert.Equal("4500", invoice.GetProperty("amountCents").GetRawText());
        Assert.Equal("EUR", invoice.GetProperty("currency").GetString());
        Assert.Equal("2026-11-20", invoice.GetProperty("issuedOn").GetString());
        Assert.Equal("open", invoice.GetProperty("status").GetString());

        var appointment = FrameCodec.ToElement(Samples.AppointmentList, Json.AppointmentList).GetProperty("appointments")[0];
        Assert.Equal("2026-12-03T14:00:00+01:00", appointment.GetProperty("startsAt").GetString());
        Assert.Equal("booked", appointment.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(AppointmentStatus.Booked, "booked")]
    [InlineData(AppointmentStatus.Cancelled, "cancelled")]
    [InlineData(AppointmentStatus.Completed, "completed")]
    public void Appointment_status_is_a_lowercase_string(AppointmentStatus status, string wire) =>
        Assert.Equal(wire, FrameCodec.ToElement(Samples.Appointment with { Status = status }, Json.Appointment).GetProperty("status").GetString());

    [Theory]
    [InlineData(InvoiceStatus.Open, "open")]
    [InlineData(InvoiceStatus.Paid, "paid")]
    [InlineData(InvoiceStatus.Void, "void")]
    public void Invoice_status_is_a_lowercase_string(InvoiceStatus status, string wire) =>
        Assert.Equal(wire, FrameCodec.ToElement(Samples.Invoice with { Status = status }, Json.Invoice).GetProperty("status").GetString());

    [Theory]
    [InlineData("AppointmentList", """{"patientId":"p"}""")]
    [InlineData("AppointmentList", """{"patientId":"p","appointments":{}}""")]
    [InlineData("AppointmentList", """{"patientId":"p","appointments":[{"id":"a"}]}""")]
    [InlineData("AppointmentList", """{"patientId":"p","appointments":[{"id":"a","patientId":"p","startsAt":"2026-12-03T14:00:00+01:00","durationMinutes":30,"clinician":"c","reason":"r","status":"Booked"}]}""")]
    [InlineData("AppointmentList", """{"patientId":"p","appointments":[{"id":"a","patientId":"p","startsAt":"2026-12-03T14:00:00+01:00","durationMinutes":30.5,"clinician":"c","reason":"r","status":"booked"}]}""")]
    [InlineData("AppointmentList", """{"patientId":null,"appointments":[]}""")]
    [InlineData("AppointmentList", "[]")]
    [InlineData("AppointmentList", "\"appointments\"")]
    [InlineData("AppointmentList", "42")]
    [InlineData("AppointmentList", "null")]
    [InlineData("InvoiceList", """{"patientId":"p","invoices":[{"id":"i","patientId":"p","issuedOn":"2026-11-20","amountCents":45.00,"currency":"EUR","description":"d","status":"open"}]}""")]
    [InlineData("InvoiceList", """{"patientId":"p","invoices":[{"id":"i","patientId":"p","issuedOn":"2026-11-20T00:00:00Z","amountCents":4500,"currency":"EUR","description":"d","status":"open"}]}""")]
    [InlineData("InvoiceList", """{"patientId":"p","invoices":[{"id":"i","patientId":"p","issuedOn":"2026-11-20","amountCents":4500,"currency":"EUR","description":"d","status":"refunded"}]}""")]
    [InlineData("MedicalRecord", """{"patientId":"p","allergies":[],"conditions":[],"medications":[]}""")]
    [InlineData("BookAppointment", """{"startsAt":"soon","durationMinutes":30,"clinician":"c","reason":"r"}""")]
    [InlineData("RescheduleAppointment", """{"appointmentId":"a"}""")]
    [InlineData("PayInvoice", """{"invoiceId":"i","amountCents":"45.00","currency":"EUR","paymentReference":"x"}""")]
    [InlineData("PayInvoice", """{"invoiceId":"i","amountCents":4500,"paymentReference":"x"}""")]
    [InlineData("PatientRegistered", """{"name":"Ada"}""")]
    [InlineData("PatientRegistered", """{"displayName":42}""")]
    public void A_payload_of_the_wrong_shape_gives_null_and_an_error(string name, string json)
    {
        var (value, error) = Contracts[name].From(Samples.Element(json));
        Assert.Null(value);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void An_undefined_element_gives_null_and_an_error_instead_of_throwing()
    {
        var list = FrameCodec.FromElement(default, Json.AppointmentList, out var error);
        Assert.Null(list);
        Assert.NotNull(error);
    }

    [Fact]
    public void A_reply_payload_decoded_from_the_wire_reads_back_as_its_contract()
    {
        var reply = Assert.IsType<HealthGateway.Protocol.Frames.Reply>(FrameCodec.Decode(FrameCodec.Encode(Samples.ReplyOk)).Frame);
        var list = FrameCodec.FromElement(reply.Payload!.Value, Json.AppointmentList, out var error);
        Assert.Null(error);
        Assert.Equivalent(Samples.AppointmentList, list, strict: true);
    }

    [Fact]
    public void Unknown_payload_properties_are_ignored()
    {
        var value = FrameCodec.FromElement(Samples.Element("""{"displayName":"Ada L.","pronouns":"she/her"}"""), Json.PatientRegistered, out var error);
        Assert.Null(error);
        Assert.Equal(Samples.PatientRegistered, value);
    }

    [Fact]
    public void Cancel_without_a_reason_round_trips()
    {
        var element = FrameCodec.ToElement(new CancelAppointment("apt-9001", null), Json.CancelAppointment);
        var value = FrameCodec.FromElement(element, Json.CancelAppointment, out var error);
        Assert.Null(error);
        Assert.Equal(new CancelAppointment("apt-9001", null), value);
    }

    [Fact]
    public void Cancel_with_an_explicit_null_reason_is_accepted()
    {
        var value = FrameCodec.FromElement(Samples.Element("""{"appointmentId":"apt-9001","reason":null}"""), Json.CancelAppointment, out var error);
        Assert.Null(error);
        Assert.Equal(new CancelAppointment("apt-9001", null), value);
    }
}
