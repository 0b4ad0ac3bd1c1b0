using System.Globalization;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Storage;

/// <summary>Conversions between contract values and their column representation (see <see cref="Schema"/>).</summary>
internal static class StoredValues
{
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static string ToText(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly DateFromText(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string ToText(AdministrativeGender gender) => gender switch
    {
        AdministrativeGender.Female => "female",
        AdministrativeGender.Male => "male",
        AdministrativeGender.Other => "other",
        _ => "unknown",
    };

    /// <summary>Null for a value this unit does not know (the field is optional on the wire).</summary>
    public static AdministrativeGender? GenderFromText(string? value) => value switch
    {
        "female" => AdministrativeGender.Female,
        "male" => AdministrativeGender.Male,
        "other" => AdministrativeGender.Other,
        "unknown" => AdministrativeGender.Unknown,
        _ => null,
    };

    public static string ToText(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "booked",
        AppointmentStatus.Cancelled => "cancelled",
        AppointmentStatus.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static AppointmentStatus AppointmentStatusFromText(string value) => value switch
    {
        "booked" => AppointmentStatus.Booked,
        "cancelled" => AppointmentStatus.Cancelled,
        "completed" => AppointmentStatus.Completed,
        _ => throw new InvalidDataException($"unknown appointment status '{value}'"),
    };

    public static string ToText(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => "open",
        InvoiceStatus.Paid => "paid",
        InvoiceStatus.Void => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static InvoiceStatus InvoiceStatusFromText(string value) => value switch
    {
        "open" => InvoiceStatus.Open,
        "paid" => InvoiceStatus.Paid,
        "void" => InvoiceStatus.Void,
        _ => throw new InvalidDataException($"unknown invoice status '{value}'"),
    };

    public static string ToText(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Applied => "applied",
        OutcomeStatus.Rejected => "rejected",
        OutcomeStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static OutcomeStatus OutcomeStatusFromText(string value) => value switch
    {
        "applied" => OutcomeStatus.Applied,
        "rejected" => OutcomeStatus.Rejected,
        "expired" => OutcomeStatus.Expired,
        _ => throw new InvalidDataException($"unknown outcome status '{value}'"),
    };
}
