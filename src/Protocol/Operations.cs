namespace HealthGateway.Protocol;

/// <summary>Operation names carried in <see cref="Frames.Request"/> and <see cref="Frames.Deliver"/>.</summary>
public static class Operations
{
    // Volatile reads (request/reply).
    public const string ListAppointments = "appointments.list";
    public const string ListInvoices = "invoices.list";
    public const string GetRecords = "records.get";

    /// <summary>Name, gender and birth date of one patient. Added after the first release: older units answer unsupported.</summary>
    public const string GetDemographics = "patient.demographics";

    // Durable writes (deliver/ack).
    public const string BookAppointment = "appointments.book";
    public const string RescheduleAppointment = "appointments.reschedule";
    public const string CancelAppointment = "appointments.cancel";
    public const string PayInvoice = "invoices.pay";

    public static bool IsRead(string operation) =>
        operation is ListAppointments or ListInvoices or GetRecords or GetDemographics;

    public static bool IsWrite(string operation) =>
        operation is BookAppointment or RescheduleAppointment or CancelAppointment or PayInvoice;
}

/// <summary>Kinds of <see cref="Frames.UnitEvent"/> a unit reports.</summary>
public static class UnitEventKinds
{
    /// <summary>The patient is now registered at (cared for by) this unit; the directory routes to it.</summary>
    public const string PatientRegistered = "patient.registered";

    /// <summary>The patient left this unit (discharged): the directory forgets them until a unit registers them.</summary>
    public const string PatientDeparted = "patient.departed";

    /// <summary>The owning unit hands the patient to another unit, which then takes them over by registering them.</summary>
    public const string PatientReleased = "patient.released";

    public const string AppointmentBooked = "appointment.booked";
    public const string AppointmentRescheduled = "appointment.rescheduled";
    public const string AppointmentCancelled = "appointment.cancelled";
    public const string InvoicePaid = "invoice.paid";
    public const string RecordUpdated = "record.updated";
}
