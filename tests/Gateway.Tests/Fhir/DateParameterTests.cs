using HealthGateway.Gateway.Fhir;

namespace HealthGateway.Gateway.Tests.Fhir;

public sealed class DateParameterTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 15, 10, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-03-15", true)]
    [InlineData("eq2026-03", true)]
    [InlineData("2026-03-16", false)]
    [InlineData("ge2026-03-15", true)]
    [InlineData("ge2026-03-16", false)]
    [InlineData("le2026-03-15", true)] // the whole day is "at or before" 2026-03-15
    [InlineData("le2026-03-14", false)]
    [InlineData("gt2026-03-15", false)]
    [InlineData("gt2026-03-14", true)]
    [InlineData("lt2026-03-15", false)]
    [InlineData("lt2026-03-16", true)]
    [InlineData("ge2026-03-15T10:30:00Z", true)]
    [InlineData("gt2026-03-15T10:30:00Z", false)]
    [InlineData("2026", true)]
    public void Matches_by_prefix_and_precision(string value, bool matches)
    {
        Assert.True(DateParameter.TryParse(value, out var parameter));
        Assert.Equal(matches, parameter!.Matches(At));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("sa2026-03-15")] // prefix not served
    [InlineData("2026-13-01")]
    public void Refuses_what_is_not_a_served_date(string value) => Assert.False(DateParameter.TryParse(value, out _));
}
