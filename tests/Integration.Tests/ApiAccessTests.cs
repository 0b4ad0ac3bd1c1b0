using System.Net;
using System.Text.Json;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>Who may read what through the REST API, and what errors look like.</summary>
public sealed class ApiAccessTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task Missing_or_bad_tokens_get_401_problem_json()
    {
        var none = await _gateway.GetAsync("/api/v1/patients/p-1/appointments", null);
        var garbage = await _gateway.GetAsync("/api/v1/patients/p-1/appointments", "not.a.token");
        var expired = await _gateway.GetAsync("/api/v1/patients/p-1/appointments",
            _gateway.Tokens.Mint(Roles.Patient, "p-1", TimeSpan.FromMinutes(1), notBefore: DateTime.UtcNow.AddMinutes(-10)));

        foreach (var response in new[] { none, garbage, expired })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_patient_cannot_read_another_patient_and_learns_nothing()
    {
        // p-other exists (registered by a unit); p-nobody does not. Both look the same to p-me.
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-1"), "unit-1");
        await using var _ = unit;
        await unit.SendAsync(new EventBatch([TestEvents.Registered(1, "p-other")]));
        Assert.IsType<Ack>(await unit.ReceiveAsync());

        var token = _gateway.PatientToken("p-me");
        var other = await _gateway.GetAsync("/api/v1/patients/p-other/records", token);
        var nobody = await _gateway.GetAsync("/api/v1/patients/p-nobody/records", token);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Equal(
            JsonDocument.Parse(await nobody.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString(),
            JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_patient_is_404()
    {
        var response = await _gateway.GetAsync("/api/v1/patients/p-ghost/appointments", _gateway.PatientToken("p-ghost"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Roles.Unit)]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Partner)]
    public async Task Other_roles_may_not_read_patient_data(string role)
    {
        var response = await _gateway.GetAsync("/api/v1/patients/p-1/appointments", _gateway.Tokens.Mint(role, "p-1", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_issuer_key_is_refused()
    {
        var foreignKey = new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256));
        var options = _gateway.Services.GetRequiredService<AuthOptions>();
        var forged = new TokenIssuer(foreignKey, options).Mint(Roles.Patient, "p-1", TimeSpan.FromMinutes(5));

        var response = await _gateway.GetAsync("/api/v1/patients/p-1/appointments", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_overlong_patient_id_is_400()
    {
        var id = new string('p', ProtocolConstants.MaxIdLength + 1);
        var response = await _gateway.GetAsync($"/api/v1/patients/{id}/appointments", _gateway.PatientToken(id));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
