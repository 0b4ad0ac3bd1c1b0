namespace HealthGateway.UnitNode.Writes;

/// <summary>Stable snake_case reasons carried in a rejected <c>DeliveryOutcome</c>; callers may branch on them.</summary>
public static class RejectionReasons
{
    public const string SlotTaken = "slot_taken";
    public const string AppointmentNotFound = "appointment_not_found";
    public const string AppointmentNotBooked = "appointment_not_booked";
    public const string InvoiceNotFound = "invoice_not_found";
    public const string AlreadyPaid = "already_paid";
    public const string InvoiceVoid = "invoice_void";
    public const string AmountMismatch = "amount_mismatch";
    public const string PatientNotFound = "patient_not_found";
    public const string InvalidPayload = "invalid_payload";
    public const string UnsupportedOperation = "unsupported_operation";

    /// <summary>The seq is at or below the last applied one but the message id is new: applying it would break seq order.</summary>
    public const string OutOfOrder = "out_of_order";

    /// <summary>Applying failed with an unexpected error; recorded so a poison message cannot block the queue forever.</summary>
    public const string InternalError = "internal_error";

    /// <summary>Reason given with <c>OutcomeStatus.Expired</c>.</summary>
    public const string Expired = "expired";
}
