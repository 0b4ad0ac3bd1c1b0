using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Auth;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Api;

public static class PatientReadEndpoints
{
    /// <summary>Reads of one patient's data, each routed live to the unit that holds it.</summary>
    public static RouteGroupBuilder MapPatientReads(this IEndpointRouteBuilder app)
    {
        var group = app.MapPatientGroup();

        var contracts = ProtocolJsonContext.Default;
        group.MapGet("/appointments", (string patientId, HttpContext http, RoutedReads reads) =>
            reads.ReadAsync(http, patientId, Operations.ListAppointments, contracts.AppointmentList, a => a.PatientId))
            .RequireScope(Scopes.AppointmentsRead)
            .DescribeRoutedRead<AppointmentList>(EndpointNames.ListAppointments, "The patient's appointments, live from their unit");
        group.MapGet("/invoices", (string patientId, HttpContext http, RoutedReads reads) =>
            reads.ReadAsync(http, patientId, Operations.ListInvoices, contracts.InvoiceList, i => i.PatientId))
            .RequireScope(Scopes.BillingRead)
            .DescribeRoutedRead<InvoiceList>(EndpointNames.ListInvoices, "The patient's invoices, live from their unit");
        group.MapGet("/records", (string patientId, HttpContext http, RoutedReads reads) =>
            reads.ReadAsync(http, patientId, Operations.GetRecords, contracts.MedicalRecord, r => r.PatientId))
            .RequireScope(Scopes.RecordsRead)
            .DescribeRoutedRead<MedicalRecord>(EndpointNames.GetRecords, "The patient's medical record (allergies, conditions, medications, encounters)");
        return group;
    }
}
