namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>Endpoint names: OpenAPI operation ids and the keys of <see cref="ApiExamples"/>.</summary>
public static class EndpointNames
{
    public const string ListAppointments = "ListAppointments";
    public const string ListInvoices = "ListInvoices";
    public const string GetRecords = "GetRecords";
    public const string BookAppointment = "BookAppointment";
    public const string RescheduleAppointment = "RescheduleAppointment";
    public const string CancelAppointment = "CancelAppointment";
    public const string PayInvoice = "PayInvoice";
    public const string GetOperation = "GetOperation";
}
