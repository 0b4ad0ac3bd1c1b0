using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Writes;

/// <summary>Paying an invoice, inside the caller's transaction.</summary>
internal static class InvoiceWrites
{
    public static WriteResult Pay(WriteContext context, PayInvoice payment)
    {
        if (string.IsNullOrWhiteSpace(payment.PaymentReference) || payment.PaymentReference.Length > 200)
            return WriteResult.Rejected(RejectionReasons.InvalidPayload, "paymentReference is required (at most 200 characters)");

        var invoice = InvoiceRows.Find(context.Connection, context.Transaction, payment.InvoiceId);
        if (invoice is null || invoice.PatientId != context.PatientId)
            return WriteResult.Rejected(RejectionReasons.InvoiceNotFound);
        if (invoice.Status == InvoiceStatus.Paid)
            return WriteResult.Rejected(RejectionReasons.AlreadyPaid);
        if (invoice.Status == InvoiceStatus.Void)
            return WriteResult.Rejected(RejectionReasons.InvoiceVoid);
        // The payer must have been shown the amount we hold; a stale or tampered amount is refused, never adjusted.
        if (payment.AmountCents != invoice.AmountCents
            || !string.Equals(payment.Currency, invoice.Currency, StringComparison.OrdinalIgnoreCase))
            return WriteResult.Rejected(RejectionReasons.AmountMismatch);

        var paid = invoice with { Status = InvoiceStatus.Paid };
        using (var update = context.Command(
                   "UPDATE invoices SET status = 'paid', paid_at = $now, payment_reference = $reference WHERE id = $id;"))
        {
            update.Parameters.AddWithValue("$now", StoredValues.ToUnixMs(context.Now));
            update.Parameters.AddWithValue("$reference", payment.PaymentReference);
            update.Parameters.AddWithValue("$id", paid.Id);
            update.ExecuteNonQuery();
        }

        var element = FrameCodec.ToElement(paid, ProtocolJsonContext.Default.Invoice);
        OutboxWriter.Append(context.Connection, context.Transaction, UnitEventKinds.InvoicePaid, context.PatientId, context.Now,
            element.GetRawText());
        return WriteResult.Success(element);
    }
}
