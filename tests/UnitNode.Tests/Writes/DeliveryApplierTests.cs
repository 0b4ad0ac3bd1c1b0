using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Tests.Support;
using HealthGateway.UnitNode.Writes;

namespace HealthGateway.UnitNode.Tests.Writes;

public sealed class DeliveryApplierTests : IDisposable
{
    private readonly StoreHarness _harness = new();
    private readonly string _patientId;
    private readonly string _otherPatientId;

    public DeliveryApplierTests()
    {
        _harness.Seeder.Seed(_harness.UnitId, 3);
        var ids = _harness.Store.ListPatientIdsAsync().GetAwaiter().GetResult();
        (_patientId, _otherPatientId) = (ids[0], ids[1]);
    }

    public void Dispose() => _harness.Dispose();

    private static readonly DateTimeOffset FreeSlot = new(2026, 6, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Booking_applies_the_change_its_event_and_the_seq_in_one_go()
    {
        var outboxBefore = _harness.Outbox.HighestSeq();
        var application = Apply(1, "m-1", Operations.BookAppointment, _patientId,
            new BookAppointment(FreeSlot, 30, "Dr. Test", "Check-up"));

        Assert.Equal(OutcomeStatus.Applied, application.Outcome.Status);
        Assert.Equal(1, application.LastAppliedSeq);
        Assert.False(application.WasDuplicate);
        var booked = FrameCodec.FromElement(application.Outcome.Result!.Value, ProtocolJsonContext.Default.Appointment, out _)!;
        Assert.Equal(FreeSlot, booked.StartsAt);
        Assert.Equal(AppointmentStatus.Booked, booked.Status);
        Assert.Contains((await _harness.Store.GetAppointmentsAsync(_patientId))!.Appointments, a => a.Id == booked.Id);

        var evt = _harness.Outbox.ReadAfter(outboxBefore, 10).Single();
        Assert.Equal(UnitEventKinds.AppointmentBooked, evt.Kind);
        Assert.Equal(_patientId, evt.PatientId);
        Assert.Equal(1, await _harness.Store.GetLastAppliedSeqAsync());
    }

    [Fact]
    public async Task The_same_message_twice_changes_data_once_and_returns_the_same_outcome()
    {
        var deliver = StoreHarness.Deliver(1, "m-once", Operations.BookAppointment, _patientId,
            new BookAppointment(FreeSlot, 30, "Dr. Test", "Check-up"));
        var outboxBefore = _harness.Outbox.HighestSeq();
        var appointmentsBefore = _harness.Scalar("SELECT COUNT(*) FROM appointments;");

        var first = _harness.Applier.Apply(deliver);
        var second = _harness.Applier.Apply(deliver);

        Assert.True(second.WasDuplicate);
        Assert.Equal(first.Outcome.Status, second.Outcome.Status);
        Assert.Equal(first.Outcome.Result!.Value.GetRawText(), second.Outcome.Result!.Value.GetRawText());
        Assert.Equal(appointmentsBefore + 1, _harness.Scalar("SELECT COUNT(*) FROM appointments;"));
        Assert.Single(_harness.Outbox.ReadAfter(outboxBefore, 10));
        Assert.Equal(1, _harness.Scalar("SELECT COUNT(*) FROM applied_messages;"));
        Assert.Equal(1, await _harness.Store.GetLastAppliedSeqAsync());
    }

    [Fact]
    public void A_rejection_is_also_remembered_and_not_re_evaluated()
    {
        var taken = SeededBookedAppointment();
        var deliver = StoreHarness.Deliver(1, "m-r", Operations.BookAppointment, _otherPatientId,
            new BookAppointment(taken.StartsAt, 30, taken.Clinician, "Clash"));

        var first = _harness.Applier.Apply(deliver);
        // Free the slot: a re-evaluation would now succeed, but the stored outcome must win.
        Apply(2, "m-cancel", Operations.CancelAppointment, _patientId, new CancelAppointment(taken.Id, "moved"));
        var again = _harness.Applier.Apply(deliver);

        Assert.Equal(RejectionReasons.SlotTaken, first.Outcome.Reason);
        Assert.Equal(OutcomeStatus.Rejected, again.Outcome.Status);
        Assert.Equal(RejectionReasons.SlotTaken, again.Outcome.Reason);
        Assert.Equal(2, again.LastAppliedSeq);
    }

    [Fact]
    public void Booking_an_overlapping_slot_of_the_same_clinician_is_rejected_as_slot_taken()
    {
        var taken = SeededBookedAppointment();
        var overlapping = Apply(1, "m-1", Operations.BookAppointment, _otherPatientId,
            new BookAppointment(taken.StartsAt.AddMinutes(15), 30, taken.Clinician, "Clash"));
        var otherClinician = Apply(2, "m-2", Operations.BookAppointment, _otherPatientId,
            new BookAppointment(taken.StartsAt, 30, "Dr. Elsewhere", "No clash"));
        var rightAfter = Apply(3, "m-3", Operations.BookAppointment, _otherPatientId,
            new BookAppointment(taken.StartsAt.AddMinutes(taken.DurationMinutes), 30, taken.Clinician, "Adjacent"));

        Assert.Equal(OutcomeStatus.Rejected, overlapping.Outcome.Status);
        Assert.Equal(RejectionReasons.SlotTaken, overlapping.Outcome.Reason);
        Assert.Equal(OutcomeStatus.Applied, otherClinician.Outcome.Status);
        Assert.Equal(OutcomeStatus.Applied, rightAfter.Outcome.Status);
        // Rejections advance the resume point too: the message is settled.
        Assert.Equal(3, rightAfter.LastAppliedSeq);
    }

    [Fact]
    public async Task Rescheduling_moves_a_booked_appointment_and_refuses_taken_slots()
    {
        var mine = SeededBookedAppointment();
        var takenAt = FreeSlot.AddDays(1);
        Apply(1, "m-1", Operations.BookAppointment, _otherPatientId, new BookAppointment(takenAt, 30, mine.Clinician, "Theirs"));

        var clash = Apply(2, "m-2", Operations.RescheduleAppointment, _patientId, new RescheduleAppointment(mine.Id, takenAt.AddMinutes(-15)));
        var moved = Apply(3, "m-3", Operations.RescheduleAppointment, _patientId, new RescheduleAppointment(mine.Id, FreeSlot));
        var wrongPatient = Apply(4, "m-4", Operations.RescheduleAppointment, _otherPatientId,
            new RescheduleAppointment(mine.Id, FreeSlot.AddDays(2)));

        Assert.Equal(RejectionReasons.SlotTaken, clash.Outcome.Reason);
        Assert.Equal(OutcomeStatus.Applied, moved.Outcome.Status);
        Assert.Equal(FreeSlot, (await _harness.Store.GetAppointmentsAsync(_patientId))!.Appointments.Single(a => a.Id == mine.Id).StartsAt);
        Assert.Equal(RejectionReasons.AppointmentNotFound, wrongPatient.Outcome.Reason);
    }

    [Fact]
    public async Task Cancelling_frees_the_slot_and_a_cancelled_appointment_cannot_be_cancelled_or_moved()
    {
        var mine = SeededBookedAppointment();
        var cancelled = Apply(1, "m-1", Operations.CancelAppointment, _patientId, new CancelAppointment(mine.Id, "ill"));
        var again = Apply(2, "m-2", Operations.CancelAppointment, _patientId, new CancelAppointment(mine.Id, null));
        var move = Apply(3, "m-3", Operations.RescheduleAppointment, _patientId, new RescheduleAppointment(mine.Id, FreeSlot));
        var missing = Apply(4, "m-4", Operations.CancelAppointment, _patientId, new CancelAppointment("a-missing", null));
        var rebook = Apply(5, "m-5", Operations.BookAppointment, _otherPatientId,
            new BookAppointment(mine.StartsAt, 30, mine.Clinician, "Freed slot"));

        Assert.Equal(OutcomeStatus.Applied, cancelled.Outcome.Status);
        Assert.Equal(AppointmentStatus.Cancelled,
            (await _harness.Store.GetAppointmentsAsync(_patientId))!.Appointments.Single(a => a.Id == mine.Id).Status);
        Assert.Equal(RejectionReasons.AppointmentNotBooked, again.Outcome.Reason);
        Assert.Equal(RejectionReasons.AppointmentNotBooked, move.Outcome.Reason);
        Assert.Equal(RejectionReasons.AppointmentNotFound, missing.Outcome.Reason);
        Assert.Equal(OutcomeStatus.Applied, rebook.Outcome.Status);
    }

    [Fact]
    public async Task Paying_an_open_invoice_marks_it_paid_and_emits_invoice_paid()
    {
        var invoice = OpenInvoice();
        var outboxBefore = _harness.Outbox.HighestSeq();

        var paid = Apply(1, "m-pay", Operations.PayInvoice, _patientId,
            new PayInvoice(invoice.Id, invoice.AmountCents, "EUR", "card-123"));

        Assert.Equal(OutcomeStatus.Applied, paid.Outcome.Status);
        Assert.Equal(InvoiceStatus.Paid, (await _harness.Store.GetInvoicesAsync(_patientId))!.Invoices.Single(i => i.Id == invoice.Id).Status);
        Assert.Equal(UnitEventKinds.InvoicePaid, _harness.Outbox.ReadAfter(outboxBefore, 10).Single().Kind);
    }

    [Fact]
    public void Paying_twice_with_different_message_ids_is_rejected_as_already_paid()
    {
        var invoice = OpenInvoice();
        Apply(1, "m-pay-1", Operations.PayInvoice, _patientId, new PayInvoice(invoice.Id, invoice.AmountCents, "EUR", "card-1"));
        var second = Apply(2, "m-pay-2", Operations.PayInvoice, _patientId, new PayInvoice(invoice.Id, invoice.AmountCents, "EUR", "card-2"));

        Assert.Equal(OutcomeStatus.Rejected, second.Outcome.Status);
        Assert.Equal(RejectionReasons.AlreadyPaid, second.Outcome.Reason);
    }

    [Theory]
    [InlineData(1, "EUR")]
    [InlineData(0, "USD")]
    public async Task Paying_a_different_amount_or_currency_is_rejected_as_amount_mismatch(long extraCents, string currency)
    {
        var invoice = OpenInvoice();
        var result = Apply(1, "m-pay", Operations.PayInvoice, _patientId,
            new PayInvoice(invoice.Id, invoice.AmountCents + extraCents, currency, "card-1"));

        Assert.Equal(OutcomeStatus.Rejected, result.Outcome.Status);
        Assert.Equal(RejectionReasons.AmountMismatch, result.Outcome.Reason);
        Assert.Equal(InvoiceStatus.Open, (await _harness.Store.GetInvoicesAsync(_patientId))!.Invoices.Single(i => i.Id == invoice.Id).Status);
    }

    [Fact]
    public void An_expired_message_is_not_applied_but_settles_its_seq()
    {
        var outboxBefore = _harness.Outbox.HighestSeq();
        var deliver = StoreHarness.Deliver(1, "m-late", Operations.BookAppointment, _patientId,
            new BookAppointment(FreeSlot, 30, "Dr. Test", "Too late"), expiresAt: StoreHarness.DefaultNow.AddSeconds(-1));

        var result = _harness.Applier.Apply(deliver);

        Assert.Equal(OutcomeStatus.Expired, result.Outcome.Status);
        Assert.Equal(1, result.LastAppliedSeq);
        Assert.Equal(outboxBefore, _harness.Outbox.HighestSeq());
        Assert.Equal(0, _harness.Scalar("SELECT COUNT(*) FROM appointments WHERE reason = 'Too late';"));
    }

    [Fact]
    public void Unknown_patients_operations_and_bad_payloads_are_rejected_with_stable_reasons()
    {
        var unknownPatient = Apply(1, "m-1", Operations.BookAppointment, "p-nobody", new BookAppointment(FreeSlot, 30, "Dr. Test", "x"));
        var unknownOperation = Apply(2, "m-2", "appointments.teleport", _patientId, new { });
        var badPayload = Apply(3, "m-3", Operations.BookAppointment, _patientId, new { startsAt = "not a date" });
        var badDuration = Apply(4, "m-4", Operations.BookAppointment, _patientId, new BookAppointment(FreeSlot, 0, "Dr. Test", "x"));

        Assert.Equal(RejectionReasons.PatientNotFound, unknownPatient.Outcome.Reason);
        Assert.Equal(RejectionReasons.UnsupportedOperation, unknownOperation.Outcome.Reason);
        Assert.StartsWith(RejectionReasons.InvalidPayload, badPayload.Outcome.Reason);
        Assert.StartsWith(RejectionReasons.InvalidPayload, badDuration.Outcome.Reason);
        Assert.Equal(4, badDuration.LastAppliedSeq);
    }

    [Fact]
    public async Task Last_applied_seq_only_moves_forward_and_stale_new_messages_are_refused()
    {
        Apply(1, "m-1", Operations.BookAppointment, _patientId, new BookAppointment(FreeSlot, 30, "Dr. Test", "a"));
        var afterGap = Apply(5, "m-5", Operations.BookAppointment, _patientId, new BookAppointment(FreeSlot.AddHours(1), 30, "Dr. Test", "b"));
        var stale = Apply(3, "m-3", Operations.BookAppointment, _patientId, new BookAppointment(FreeSlot.AddHours(2), 30, "Dr. Test", "c"));

        Assert.Equal(2, afterGap.SkippedFromSeq);
        Assert.Equal(OutcomeStatus.Applied, afterGap.Outcome.Status);
        Assert.Equal(RejectionReasons.OutOfOrder, stale.Outcome.Reason);
        Assert.Equal(5, stale.LastAppliedSeq);
        Assert.Equal(5, await _harness.Store.GetLastAppliedSeqAsync());
    }

    private DeliveryApplication Apply(long seq, string messageId, string operation, string patientId, object payload) =>
        _harness.Applier.Apply(StoreHarness.Deliver(seq, messageId, operation, patientId, payload));

    private Appointment SeededBookedAppointment(string? patientId = null) =>
        _harness.Store.GetAppointmentsAsync(patientId ?? _patientId).GetAwaiter().GetResult()!.Appointments
            .First(a => a.Status == AppointmentStatus.Booked);

    private Invoice OpenInvoice() =>
        _harness.Store.GetInvoicesAsync(_patientId).GetAwaiter().GetResult()!.Invoices.First(i => i.Status == InvoiceStatus.Open);
}
