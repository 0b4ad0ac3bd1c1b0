using HealthGateway.Gateway.Audit;

namespace HealthGateway.Gateway.Tests.Audit;

public sealed class AuditQueryTests
{
    [Fact]
    public void Defaults_apply_when_nothing_is_given()
    {
        var (query, errors) = AuditQuery.Parse(null, null, null, null, null, null);
        Assert.Empty(errors);
        Assert.Equal(new AuditQuery(null, null, null, null, AuditQuery.DefaultLimit, 0), query);
    }

    [Theory]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "ten")]
    [InlineData("limit", "-5")]
    [InlineData("after", "-1")]
    [InlineData("after", "abc")]
    [InlineData("from", "yesterday")]
    [InlineData("to", "2026-13-45")]
    [InlineData("patientId", "")]
    [InlineData("subject", "")]
    public void Bad_values_are_field_errors(string field, string value)
    {
        var (query, errors) = AuditQuery.Parse(
            field == "patientId" ? value : null, field == "subject" ? value : null, field == "from" ? value : null,
            field == "to" ? value : null, field == "limit" ? value : null, field == "after" ? value : null);
        Assert.Null(query);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void From_after_to_is_an_error()
    {
        var (query, errors) = AuditQuery.Parse(null, null, "2026-11-26T12:00:00Z", "2026-11-26T11:00:00Z", null, null);
        Assert.Null(query);
        Assert.Contains("to", errors.Keys);
    }
}
