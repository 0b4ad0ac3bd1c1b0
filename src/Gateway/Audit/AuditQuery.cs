using System.Globalization;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway.Audit;

/// <summary>Filters of <c>GET /api/v1/audit</c>; <c>from</c> inclusive, <c>to</c> exclusive, oldest first after <c>after</c>.</summary>
public sealed record AuditQuery(string? PatientId, string? Subject, DateTimeOffset? From, DateTimeOffset? To, int Limit, long After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Parses the raw query values; any field error makes the whole query a 400.</summary>
    public static (AuditQuery? Query, Dictionary<string, string[]> Errors) Parse(
        string? patientId, string? subject, string? from, string? to, string? limit, string? after)
    {
        var errors = new Dictionary<string, string[]>();
        if (patientId is not null && (patientId.Length == 0 || patientId.Length > ProtocolConstants.MaxIdLength))
            errors["patientId"] = [$"must have 1 to {ProtocolConstants.MaxIdLength} characters"];
        if (subject is not null && (subject.Length == 0 || subject.Length > 200))
            errors["subject"] = ["must have 1 to 200 characters"];
        var fromTime = Time(from, "from", errors);
        var toTime = Time(to, "to", errors);
        if (fromTime is not null && toTime is not null && fromTime > toTime) errors["to"] = ["must not be before from"];

        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
            errors["limit"] = [$"must be an integer from 1 to {MaxLimit}"];
        long cursor = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) || cursor < 0))
            errors["after"] = ["must be the non-negative 'next' value of a previous page"];

        return errors.Count > 0 ? (null, errors) : (new AuditQuery(patientId, subject, fromTime, toTime, pageSize, cursor), errors);
    }

    private static DateTimeOffset? Time(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        errors[field] = ["must be an ISO 8601 date-time, e.g. 2026-11-26T14:00:00Z"];
        return null;
    }
}
