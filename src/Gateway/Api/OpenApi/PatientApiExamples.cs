using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Gateway.Http.OpenApi;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Protocol.Contracts;
using Contracts = HealthGateway.Protocol.Codec.ProtocolJsonContext;

namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>Examples of the patient-facing endpoints (see <see cref="ApiExamples"/>).</summary>
public static class PatientApiExamples
{
    private const string Patient = "p-gx5kp3j2v7ab";
    // A date in the near future, so the write examples stay valid requests whenever the document is generated.
    private static readonly DateTimeOffset Monday = NextMondayMorning(DateTimeOffset.UtcNow);

    public static readonly IReadOnlyDictionary<string, ApiExample> All = new Dictionary<string, ApiExample>
    {
        [EndpointNames.ListAppointments] = new(null, "200", ApiExample.Node(new AppointmentList(Patient,
            [new Appointment("a-4f1c9e", Patient, Monday, 30, "Dr. Ines Moreau", "Annual check-up", AppointmentStatus.Booked)]),
            Contracts.Default.AppointmentList)),
        [EndpointNames.ListInvoices] = new(null, "200", ApiExample.Node(new InvoiceList(Patient,
            [new Invoice("i-77a0d2", Patient, DateOnly.FromDateTime(Monday.UtcDateTime.AddDays(-30)), 4500, "EUR", "Consultation", InvoiceStatus.Open)]),
            Contracts.Default.InvoiceList)),
        [EndpointNames.GetRecords] = new(null, "200", ApiExample.Node(new MedicalRecord(Patient,
            [new Allergy("Penicillin", "Rash", "moderate")],
            [new Condition("J45.909", "Asthma", new DateOnly(2019, 3, 14))],
            [new Medication("Salbutamol inhaler", "100 µg as needed", new DateOnly(2019, 3, 14))],
            [new Encounter(Monday.AddMonths(-2), "consultation", "Dr. Ines Moreau", "Asthma review; well controlled.")]),
            Contracts.Default.MedicalRecord)),
        [EndpointNames.BookAppointment] = new(
            ApiExample.Node(new BookAppointmentRequest(Monday, 30, "Dr. Ines Moreau", "Annual check-up"), GatewayApiJsonContext.Default.BookAppointmentRequest),
            "201", Operation(Protocol.Operations.BookAppointment, """{"appointmentId":"a-4f1c9e"}""")),
        [EndpointNames.RescheduleAppointment] = new(
            ApiExample.Node(new RescheduleAppointmentRequest(Monday.AddDays(2)), GatewayApiJsonContext.Default.RescheduleAppointmentRequest),
            "200", Operation(Protocol.Operations.RescheduleAppointment, """{"appointmentId":"a-4f1c9e"}""")),
        [EndpointNames.CancelAppointment] = new(null, "200", Operation(Protocol.Operations.CancelAppointment, """{"appointmentId":"a-4f1c9e"}""")),
        [EndpointNames.PayInvoice] = new(
            ApiExample.Node(new PayInvoiceRequest(4500, "EUR", "card-2026-11-26-0042"), GatewayApiJsonContext.Default.PayInvoiceRequest),
            "201", Operation(Protocol.Operations.PayInvoice, """{"invoiceId":"i-77a0d2","status":"paid"}""")),
        [EndpointNames.GetOperation] = new(null, "200", Operation(Protocol.Operations.PayInvoice, """{"invoiceId":"i-77a0d2","status":"paid"}""")),
    };

    private static DateTimeOffset NextMondayMorning(DateTimeOffset now)
    {
        var days = ((int)DayOfWeek.Monday - (int)now.DayOfWeek + 7) % 7;
        return new DateTimeOffset(now.Date.AddDays(days == 0 ? 7 : days).AddHours(9).AddMinutes(30), TimeSpan.Zero);
    }

    private static JsonNode? Operation(string operation, string resultJson)
    {
        using var result = JsonDocument.Parse(resultJson);
        return ApiExample.Node(new OperationView("9b2f0c4e1d7a4c1f8e3b5a6d7c8e9f01.unit-1", OperationStatus.Applied, operation, Patient,
            Monday.AddDays(-10), Monday.AddDays(-3), Monday.AddDays(-10).AddSeconds(1), result.RootElement.Clone(), null),
            ApiJson.Context.OperationView);
    }
}
