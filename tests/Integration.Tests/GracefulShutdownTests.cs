using System.Net;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// SIGTERM to a real gateway process (a deploy, a rolling restart): the request in flight still gets its answer from the
/// unit, requests that arrive after get a quick 503 to retry elsewhere, then unit sockets close with 1001 and the process
/// exits (ADR 18).
/// </summary>
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayProcess(_temp.Sub("gw"));
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_stopping_gateway_answers_the_read_in_flight_turns_new_requests_away_with_503_then_closes_unit_sockets()
    {
        const string unitId = "unit-drain", patientId = "p-drain";
        var tokens = _gateway.Tokens;
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, tokens.Mint(Gateway.Auth.Roles.Unit, unitId, TimeSpan.FromMinutes(30)), unitId);
        await using var _ = unit;
        await unit.SendAsync(new EventBatch([new UnitEvent(1, "ev-drain", UnitEventKinds.PatientRegistered, patientId, DateTimeOffset.UtcNow,
            FrameCodec.ToElement(new PatientRegistered("Ada L."), ProtocolJsonContext.Default.PatientRegistered))]));
        Assert.Equal(1, Assert.IsType<Ack>(await unit.ReceiveAsync()).UpToSeq);

        // A read reaches the unit, which holds its reply while the gateway is told to stop.
        var patientToken = tokens.Mint(Gateway.Auth.Roles.Patient, patientId, TimeSpan.FromMinutes(30));
        using var reader = new HttpClient { BaseAddress = _gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patients/{patientId}/invoices");
        read.Headers.Authorization = new("Bearer", patientToken);
        var inFlight = reader.SendAsync(read);
        var request = Assert.IsType<Request>(await unit.ReceiveAsync(TimeSpan.FromSeconds(30)));
        var stopped = _gateway.StopAsync(TimeSpan.FromSeconds(60));

        // New requests are turned away at once, health checks included (a balancer stops sending traffic here).
        using var latecomer = new HttpClient { BaseAddress = _gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.AssertAsync(async () =>
        {
            using var response = await latecomer.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Gateway node stopping", problem.RootElement.GetProperty("title").GetString());
        }, TimeSpan.FromSeconds(30));
        Assert.False(inFlight.IsCompleted, "the read in flight was answered before its unit replied");

        // The unit replies: the read in flight gets it, then the unit is told to go away and its socket closes with 1001.
        var invoices = new InvoiceList(patientId, [new Invoice("inv-1", patientId, new DateOnly(2026, 11, 20), 4500, "EUR", "Consultation", InvoiceStatus.Open)]);
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, FrameCodec.ToElement(invoices, ProtocolJsonContext.Default.InvoiceList)));
        using var answered = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("inv-1", await answered.Content.ReadAsStringAsync());

        var (last, close) = await unit.ReceiveLastFrameAndCloseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CloseCodes.GoingAway, close);
        Assert.Equal(ErrorCodes.GoingAway, Assert.IsType<ErrorFrame>(last).Code);
        Assert.True(await stopped, $"the gateway did not exit after SIGTERM:\n{_gateway.Output}");
    }
}
