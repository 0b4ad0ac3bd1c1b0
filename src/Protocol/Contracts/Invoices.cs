using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Contracts;

/// <summary>Money is in minor units (cents) of <paramref name="Currency"/> (ISO 4217), never floating point.</summary>
public sealed record Invoice(
    string Id,
    string PatientId,
    DateOnly IssuedOn,
    long AmountCents,
    string Currency,
    string Description,
    InvoiceStatus Status);

public enum InvoiceStatus
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("paid")] Paid,
    [JsonStringEnumMemberName("void")] Void,
}

/// <summary>Reply payload of <see cref="Operations.ListInvoices"/>.</summary>
public sealed record InvoiceList(string PatientId, IReadOnlyList<Invoice> Invoices);

/// <summary>Payload of <see cref="Operations.PayInvoice"/>.</summary>
public sealed record PayInvoice(string InvoiceId, long AmountCents, string Currency, string PaymentReference);
