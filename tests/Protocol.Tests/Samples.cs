using System.Text.Json;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Protocol.Tests;

/// <summary>One realistic instance of every frame and contract. docs/protocol.md shows the same values.</summary>
internal static class Samples
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 30, 0, TimeSpan.Zero);

    public static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static readonly Appointment Appointment = new(
        "apt-9001", "pat-000123", new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.FromHours(1)), 30,
        "Dr. Grey", "Follow-up", AppointmentStatus.Booked);

    public static readonly AppointmentList AppointmentList = new("pat-000123", [Appointment]);

    public static readonly Invoice Invoice = new(
        "inv-5531", "pat-000123", new DateOnly(2026, 11, 20), 4500, "EUR", "Consultation", InvoiceStatus.Open);

    public static readonly InvoiceList InvoiceList = new("pat-000123", [Invoice]);

    public static readonly MedicalRecord MedicalRecord = new(
        "pat-000123",
        [new Allergy("Penicillin", "Rash", "moderate")],
        [new Condition("E11.9", "Type 2 diabetes mellitus without complications", new DateOnly(2019, 4, 2))],
        [new Medication("Metformin", "500 mg twice daily", new DateOnly(2019, 4, 10))],
        [new Encounter(new DateTimeOffset(2026, 10, 14, 10, 15, 0, TimeSpan.FromHours(2)), "consultation", "Dr. Grey", "HbA1c 6.8%, continue therapy")]);

    public static readonly PatientDemographics PatientDemographics = new("pat-000123", "Anna Keller", AdministrativeGender.Female, new DateOnly(1984, 3, 9));

    public static readonly BookAppointment BookAppointment = new(
        new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.FromHours(1)), 30, "Dr. Grey", "Follow-up");

    public static readonly RescheduleAppointment RescheduleAppointment = new(
        "apt-9001", new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.FromHours(1)));

    public static readonly CancelAppointment CancelAppointment = new("apt-9001", "Patient request");

    public static readonly PayInvoice PayInvoice = new("inv-5531", 4500, "EUR", "psp-7781-2231");

    public static readonly PatientRegistered PatientRegistered = new("Ada L.");
    public static readonly PatientReleased PatientReleased = new("unit-0043");

    // ---- frames ----

    public static readonly Hello Hello = new(1, "unit-0042", "HealthGateway.UnitNode/1.0.0", 17);

    public static readonly Welcome Welcome = new(3, 1204, 15, 1_048_576, 16);

    public static readonly Request Request = new(
        "req-5f2c", Operations.ListAppointments, "pat-000123", Now.AddSeconds(5), null, "4bf92f3577b34da6a3ce929d0e0e4736",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    /// <summary>v1 reads take no payload; the codec still carries one (forward compatibility), so test it.</summary>
    public static readonly Request RequestWithPayload = new(
        "req-5f2d", Operations.GetRecords, "pat-000123", Now.AddSeconds(5),
        Element("""{"sections":["allergies","medications"],"since":null,"limit":20,"ratio":1.50}"""));

    public static readonly Reply ReplyOk = new(
        "req-5f2c", ReplyStatus.Ok, FrameCodec.ToElement(AppointmentList, Json.AppointmentList));

    public static readonly Reply ReplyNotFound = new("req-5f2c", ReplyStatus.NotFound, null, "no patient pat-000123 at this unit");

    public static readonly Deliver Deliver = new(
        18, "msg-01JDQ7", Operations.BookAppointment, "pat-000123", Now.AddHours(24),
        FrameCodec.ToElement(BookAppointment, Json.BookAppointment), "0af7651916cd43dd8448eb211c80319c",
        TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState: "congo=t61rcWkgMzE");

    public static readonly Ack AckDeliveries = new(20,
    [
        new DeliveryOutcome(18, "msg-01JDQ7", OutcomeStatus.Applied, FrameCodec.ToElement(Appointment, Json.Appointment)),
        new DeliveryOutcome(19, "msg-01JDQ8", OutcomeStatus.Rejected, null, "slot no longer free"),
        new DeliveryOutcome(20, "msg-01JDQ9", OutcomeStatus.Expired),
    ]);

    public static readonly Ack AckEvents = new(1206);
    public static readonly Ack AckEventsRefused = new(1208, Refused: [new EventRefusal(1207, "evt-77a3", EventRefusalCodes.NotOwner, "the patient is registered at another unit")]);

    public static readonly EventBatch EventBatch = new(
    [
        new UnitEvent(1205, "evt-77a1", UnitEventKinds.PatientRegistered, "pat-000124", Now.AddMinutes(-2),
            FrameCodec.ToElement(PatientRegistered, Json.PatientRegistered)),
        new UnitEvent(1206, "evt-77a2", UnitEventKinds.PatientDeparted, "pat-000099", Now.AddMinutes(-1)),
    ]);

    public static readonly ErrorFrame Error = new("invalid_field", "hello: 'unitId' must not be empty");

    public static readonly Ping Ping = new(1_764_149_400_000);

    public static readonly Pong Pong = new(1_764_149_400_000);

    /// <summary>Every sample frame by a stable name (theory data stays serializable).</summary>
    public static readonly IReadOnlyDictionary<string, Frame> Frames = new Dictionary<string, Frame>
    {
        ["hello"] = Hello,
        ["welcome"] = Welcome,
        ["request"] = Request,
        ["request+payload"] = RequestWithPayload,
        ["reply.ok"] = ReplyOk,
        ["reply.not_found"] = ReplyNotFound,
        ["deliver"] = Deliver,
        ["ack.deliveries"] = AckDeliveries,
        ["ack.events"] = AckEvents,
        ["ack.events.refused"] = AckEventsRefused,
        ["event"] = EventBatch,
        ["error"] = Error,
        ["ping"] = Ping,
        ["pong"] = Pong,
    };

    public static TheoryData<string> FrameNames => [.. Frames.Keys];
}
