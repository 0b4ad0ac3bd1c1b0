using Microsoft.Extensions.Primitives;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// The Appointment search parameters besides <c>patient</c>: <c>date</c> (any number, all must match) and <c>status</c>
/// (comma-separated, any may match). One parser for the search and for a conditional create's <c>If-None-Exist</c>.
/// </summary>
public sealed class AppointmentCriteria
{
    private readonly List<DateParameter> _dates;
    private readonly HashSet<string>? _statuses;

    private AppointmentCriteria(List<DateParameter> dates, HashSet<string>? statuses) => (_dates, _statuses) = (dates, statuses);

    /// <summary>The criteria in <paramref name="date"/> and <paramref name="status"/>, or a message saying which value is wrong.</summary>
    public static (AppointmentCriteria? Criteria, string? Error) Parse(StringValues date, StringValues status)
    {
        var dates = new List<DateParameter>(date.Count);
        foreach (var value in date)
        {
            if (!DateParameter.TryParse(value ?? "", out var parsed))
                return (null, $"date '{value}' is not a FHIR date with an optional prefix eq, ge, le, gt or lt.");
            dates.Add(parsed!);
        }
        HashSet<string>? statuses = null;
        foreach (var value in status)
            foreach (var code in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                (statuses ??= new HashSet<string>(StringComparer.Ordinal)).Add(code);
        return (new AppointmentCriteria(dates, statuses), null);
    }

    public bool Matches(Contracts.Appointment appointment) =>
        _dates.TrueForAll(d => d.Matches(appointment.StartsAt)) &&
        (_statuses is null || _statuses.Contains(AppointmentMapping.CodeOf(appointment.Status)));
}
