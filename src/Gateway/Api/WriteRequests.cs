using HealthGateway.Protocol;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// REST bodies of the write endpoints. Everything is optional here so that a missing field is
/// a 400 with a field error (not a binding failure); the patient id comes from the route only.
/// </summary>
public sealed record BookAppointmentRequest(DateTimeOffset? StartsAt, int? DurationMinutes, string? Clinician, string? Reason)
{
    public (BookAppointment? Contract, Dictionary<string, string[]> Errors) Validate(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        errors.Require(StartsAt, "startsAt");
        if (StartsAt is { } at && at < now.AddMinutes(-5)) errors.Add("startsAt", "must not be in the past");
        errors.Require(DurationMinutes, "durationMinutes");
        if (DurationMinutes is < 5 or > 480) errors.Add("durationMinutes", "must be between 5 and 480");
        errors.Text(Clinician, "clinician", 100, required: true);
        errors.Text(Reason, "reason", 500, required: true);
        // UTC, so the same instant written with another offset is the same request (idempotency hash).
        return (errors.Any ? null : new BookAppointment(StartsAt!.Value.ToUniversalTime(), DurationMinutes!.Value, Clinician!, Reason!), errors.ToDictionary());
    }
}

public sealed record RescheduleAppointmentRequest(DateTimeOffset? StartsAt)
{
    public (RescheduleAppointment? Contract, Dictionary<string, string[]> Errors) Validate(string appointmentId, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        errors.Id(appointmentId, "appointmentId");
        errors.Require(StartsAt, "startsAt");
        if (StartsAt is { } at && at < now.AddMinutes(-5)) errors.Add("startsAt", "must not be in the past");
        return (errors.Any ? null : new RescheduleAppointment(appointmentId, StartsAt!.Value.ToUniversalTime()), errors.ToDictionary());
    }
}

public static class CancelAppointmentRequest
{
    public static (CancelAppointment? Contract, Dictionary<string, string[]> Errors) Validate(string appointmentId, string? reason)
    {
        var errors = new FieldErrors();
        errors.Id(appointmentId, "appointmentId");
        errors.Text(reason, "reason", 500, required: false);
        return (errors.Any ? null : new CancelAppointment(appointmentId, reason), errors.ToDictionary());
    }
}

public sealed record PayInvoiceRequest(long? AmountCents, string? Currency, string? PaymentReference)
{
    public (PayInvoice? Contract, Dictionary<string, string[]> Errors) Validate(string invoiceId)
    {
        var errors = new FieldErrors();
        errors.Id(invoiceId, "invoiceId");
        errors.Require(AmountCents, "amountCents");
        if (AmountCents is <= 0 or > 100_000_000_00) errors.Add("amountCents", "must be between 1 and 10000000000 (minor units)");
        errors.Require(Currency, "currency");
        if (Currency is not null && (Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper)))
            errors.Add("currency", "must be an ISO 4217 code such as EUR");
        errors.Text(PaymentReference, "paymentReference", 100, required: true);
        return (errors.Any ? null : new PayInvoice(invoiceId, AmountCents!.Value, Currency!, PaymentReference!), errors.ToDictionary());
    }
}

/// <summary>Collects field errors for a 400 validation problem.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public void Require<T>(T? value, string field)
    {
        if (value is null) Add(field, "is required");
    }

    public void Text(string? value, string field, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required");
            return;
        }
        if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters");
    }

    public void Id(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > ProtocolConstants.MaxIdLength)
            Add(field, $"must have 1 to {ProtocolConstants.MaxIdLength} characters");
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
