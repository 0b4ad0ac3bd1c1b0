using System.Net;
using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>Per-caller and per-unit limits: a flood gets 429 + Retry-After and does not slow anyone else.</summary>
public sealed class ThrottlingTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            // Slow refills: a flood is throttled however slowly a loaded machine sends it.
            ["RateLimits:PerCallerPerSecond"] = "1",
            ["RateLimits:PerCallerBurst"] = "5",
            ["RateLimits:WritesPerUnitPerSecond"] = "1",
            ["RateLimits:WritesPerUnitBurst"] = "3",
            ["RateLimits:PartnerPerSecond"] = "1",
            ["RateLimits:PartnerBurst"] = "10",
        }.Grant("acme", "appointments.read", "unit-thr"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_flooding_patient_gets_429_with_retry_after_and_another_patient_is_unaffected()
    {
        var flooder = _gateway.PatientToken("p-flood");
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++) statuses.Add(await _gateway.GetAsync("/api/v1/patients/p-flood/appointments", flooder));

        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, r =>
        {
            Assert.NotNull(r.Headers.RetryAfter);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });

        // The other patient has its own bucket: not throttled by the flood.
        var other = await _gateway.GetAsync("/api/v1/patients/p-calm/appointments", _gateway.PatientToken("p-calm"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode); // unknown patient, but not 429
    }

    [Fact]
    public async Task A_flooding_partner_has_its_own_limit_and_does_not_throttle_patients()
    {
        var partner = _gateway.PartnerToken("acme", "appointments.read");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++) statuses.Add((await _gateway.GetAsync("/api/v1/patients/p-any/appointments", partner)).StatusCode);

        // The partner's bucket (10) is larger than a patient's (5): its first 10 pass, then it is throttled.
        Assert.All(statuses.Take(10), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await _gateway.GetAsync("/api/v1/patients/p-calm2/appointments", _gateway.PatientToken("p-calm2"))).StatusCode);
        // Another partner client has its own bucket too.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await _gateway.GetAsync("/api/v1/patients/p-any/appointments", _gateway.PartnerToken("other", "appointments.read"))).StatusCode);
    }

    [Fact]
    public async Task Writes_to_one_unit_beyond_its_limit_get_429_and_store_nothing()
    {
        const string unitId = "unit-thr";
        await using var unit = await UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 4);
        var patients = await unit.PatientIdsAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
            (await _gateway.GetAsync($"/api/v1/patients/{patients[0]}/invoices", _gateway.PatientToken(patients[0]))).StatusCode));

        // Four different patients (four callers, each under its own limit) write to the same unit at once.
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(80), TimeSpan.Zero);
        var responses = await Task.WhenAll(patients.Select((p, i) => _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{p}/appointments",
            _gateway.PatientToken(p), WriteClient.Booking(start.AddHours(i)), prefer: "respond-async")));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        var status = await _gateway.Region.Ask<Gateway.Units.Messages.UnitSessionReplies.SessionStatus>(
            new Gateway.Units.Messages.UnitSessionCommands.GetStatus(unitId), TimeSpan.FromSeconds(10));
        Assert.Equal(3, status.LastWriteSeq);
    }
}
