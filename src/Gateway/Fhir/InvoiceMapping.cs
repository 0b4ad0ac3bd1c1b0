using HealthGateway.Gateway.Api;
using Hl7.Fhir.Model;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary><see cref="Contracts.Invoice"/> -&gt; FHIR <c>Invoice</c>; a <c>$pay</c> Parameters body -&gt; the payment request of <c>/api/v1</c>.</summary>
public static class InvoiceMapping
{
    public static Invoice ToFhir(Contracts.Invoice invoice) => new()
    {
        Id = FhirIds.Compose(invoice.PatientId, invoice.Id),
        Status = invoice.Status switch
        {
            Contracts.InvoiceStatus.Open => Invoice.InvoiceStatus.Issued,
            Contracts.InvoiceStatus.Paid => Invoice.InvoiceStatus.Balanced,
            _ => Invoice.InvoiceStatus.Cancelled,
        },
        Subject = new ResourceReference($"Patient/{invoice.PatientId}"),
        DateElement = new FhirDateTime(invoice.IssuedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        TotalGross = MoneyOf(invoice.AmountCents, invoice.Currency),
        TotalNet = MoneyOf(invoice.AmountCents, invoice.Currency),
        LineItem =
        [
            new Invoice.LineItemComponent
            {
                Sequence = 1,
                ChargeItem = new CodeableConcept { Text = invoice.Description },
            },
        ],
    };

    /// <summary>Minor units to a decimal amount; currencies with other exponents than 2 are not served (docs/fhir.md).</summary>
    public static Money MoneyOf(long cents, string currency) => new()
    {
        Value = cents / 100m,
        Currency = Enum.TryParse<Money.Currencies>(currency, ignoreCase: false, out var code) ? code : null,
    };

    /// <summary>
    /// <c>Invoice/{id}/$pay</c> input: <c>amount</c> (Money) and <c>paymentReference</c> (string), validated as
    /// <c>POST /api/v1/patients/{id}/invoices/{invoiceId}/payments</c> validates its body.
    /// </summary>
    public static PayInvoiceRequest ToPayment(Parameters parameters)
    {
        var amount = parameters.GetSingleValue<Money>("amount");
        long? cents = amount?.Value is { } value && decimal.Round(value * 100m) == value * 100m && value * 100m <= long.MaxValue
            ? (long)(value * 100m) : null;
        var reference = parameters.GetSingleValue<FhirString>("paymentReference")?.Value;
        return new PayInvoiceRequest(cents, amount?.Currency?.ToString(), reference);
    }
}
