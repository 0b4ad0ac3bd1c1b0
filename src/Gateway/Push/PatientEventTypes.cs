namespace HealthGateway.Gateway.Push;

/// <summary>The <c>type</c> of an event on a patient's stream.</summary>
public static class PatientEventTypes
{
    /// <summary>An operation (durable write) of the patient changed state; <c>data</c> is the operation as GET /operations returns it.</summary>
    public const string OperationStatus = "operation.status";
    public const string AppointmentChanged = "appointment.changed";
    public const string InvoiceChanged = "invoice.changed";
    public const string RecordChanged = "record.changed";

    /// <summary>Events may have been missed (feed restarted, or the resume id is unknown or too old): refetch, then go on.</summary>
    public const string Reset = "reset";
}
