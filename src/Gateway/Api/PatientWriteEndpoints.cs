using System.Text.Json;
using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Auth;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;

namespace HealthGateway.Gateway.Api;

public static class PatientWriteEndpoints
{
    /// <summary>Durable writes for one patient: persisted before any 2xx, delivered to the unit exactly once.</summary>
    public static RouteGroupBuilder MapPatientWrites(this IEndpointRouteBuilder app)
    {
        var group = app.MapPatientGroup();
        var contracts = ProtocolJsonContext.Default;

        group.MapPost("/appointments", (string patientId, BookAppointmentRequest body, HttpContext http, WriteSubmitter writes) =>
        {
            var (contract, errors) = body.Validate(DateTimeOffset.UtcNow);
            return contract is null
                ? Invalid(errors)
                : writes.SubmitAsync(http, patientId, Operations.BookAppointment, JsonSerializer.Serialize(contract, contracts.BookAppointment), createsResource: true);
        }).RequireScope(Scopes.AppointmentsWrite).DescribeDurableWrite(EndpointNames.BookAppointment, "Book an appointment", createsResource: true);

        group.MapPut("/appointments/{appointmentId}", (string patientId, string appointmentId, RescheduleAppointmentRequest body, HttpContext http, WriteSubmitter writes) =>
        {
            var (contract, errors) = body.Validate(appointmentId, DateTimeOffset.UtcNow);
            return contract is null
                ? Invalid(errors)
                : writes.SubmitAsync(http, patientId, Operations.RescheduleAppointment, JsonSerializer.Serialize(contract, contracts.RescheduleAppointment), createsResource: false);
        }).RequireScope(Scopes.AppointmentsWrite).DescribeDurableWrite(EndpointNames.RescheduleAppointment, "Move an appointment to another time", createsResource: false);

        group.MapDelete("/appointments/{appointmentId}", (string patientId, string appointmentId, string? reason, HttpContext http, WriteSubmitter writes) =>
        {
            var (contract, errors) = CancelAppointmentRequest.Validate(appointmentId, reason);
            return contract is null
                ? Invalid(errors)
                : writes.SubmitAsync(http, patientId, Operations.CancelAppointment, JsonSerializer.Serialize(contract, contracts.CancelAppointment), createsResource: false);
        }).RequireScope(Scopes.AppointmentsWrite).DescribeDurableWrite(EndpointNames.CancelAppointment, "Cancel an appointment", createsResource: false);

        group.MapPost("/invoices/{invoiceId}/payments", (string patientId, string invoiceId, PayInvoiceRequest body, HttpContext http, WriteSubmitter writes) =>
        {
            var (contract, errors) = body.Validate(invoiceId);
            return contract is null
                ? Invalid(errors)
                : writes.SubmitAsync(http, patientId, Operations.PayInvoice, JsonSerializer.Serialize(contract, contracts.PayInvoice), createsResource: true);
        }).RequireScope(Scopes.BillingWrite).DescribeDurableWrite(EndpointNames.PayInvoice, "Pay an invoice", createsResource: true);

        return group;
    }

    private static Task<IResult> Invalid(Dictionary<string, string[]> errors) =>
        Task.FromResult<IResult>(TypedResults.ValidationProblem(errors, title: "The request has invalid fields"));
}
