using System.Diagnostics;
using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Telemetry;
using OpenTelemetry.Trace;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Traces cross REST -> session -> unit -> reply with one trace id (W3C context in the actor messages and the
/// protocol frames); /metrics shows our instruments and keeps its access rule.
/// </summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    // Exporters see every span of their sources in this process (other tests' too): tests filter by trace id.
    private readonly List<Activity> _gatewaySpans = [];
    private readonly List<Activity> _unitSpans = [];
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"),
            settings: new Dictionary<string, string?> { [GatewayTelemetry.TracingEnabledKey] = "true" },
            services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_gatewaySpans)));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(UnitNodeHost Unit, string PatientId, string Token)> OnlineUnitAsync(string unitId)
    {
        var unit = await UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken(unitId), seedPatients: 3,
            settings: new Dictionary<string, string?> { [UnitNodeTelemetry.TracingEnabledKey] = "true" },
            services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_unitSpans)));
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token)).StatusCode));
        return (unit, patientId, token);
    }

    /// <summary>Sends a request as part of a trace the test starts, so its spans can be told apart.</summary>
    private async Task<(HttpResponseMessage Response, ActivityTraceId TraceId, ActivitySpanId CallerSpan)> TracedAsync(
        HttpMethod method, string path, string token, object? body = null)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01");
        if (body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(body);
        return (await _gateway.Http.SendAsync(request), traceId, callerSpan);
    }

    private static Activity[] InTrace(List<Activity> spans, ActivityTraceId traceId)
    {
        lock (spans) return [.. spans.Where(s => s.TraceId == traceId)];
    }

    private static Activity Single(Activity[] spans, string name) =>
        Assert.Single(spans, s => s.OperationName == name || s.DisplayName == name);

    [Fact]
    public async Task A_routed_read_is_one_trace_from_the_api_call_through_the_gateway_to_the_unit()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-t1");
        await using var _ = unit;

        var (response, traceId, callerSpan) = await TracedAsync(HttpMethod.Get, $"/api/v1/patients/{patientId}/appointments", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await Eventually.AssertAsync(() =>
        {
            var gateway = InTrace(_gatewaySpans, traceId);
            var server = Assert.Single(gateway, s => s.Kind == ActivityKind.Server);
            Assert.Equal(callerSpan, server.ParentSpanId);
            var read = Single(gateway, GatewayTracing.ReadSpan);
            Assert.Equal(server.SpanId, read.ParentSpanId);
            Assert.Equal("unit-t1", read.GetTagItem(GatewayTracing.UnitIdTag));
            Assert.Equal("ok", read.GetTagItem(GatewayTracing.OutcomeTag));

            var handled = Single(InTrace(_unitSpans, traceId), UnitNodeTracing.RequestSpan);
            Assert.Equal(read.SpanId, handled.ParentSpanId);
            Assert.Equal(ActivityKind.Server, handled.Kind);
            Assert.Equal("ok", handled.GetTagItem(UnitNodeTracing.OutcomeTag));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task The_request_frame_carries_the_trace_id_as_correlation_id_and_the_read_span_as_traceparent()
    {
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-raw"), "unit-raw");
        await using var _ = unit;
        await unit.SendAsync(new EventBatch([TestEvents.Registered(1, "p-raw")]));
        Assert.IsType<Ack>(await unit.ReceiveAsync());

        var call = TracedAsync(HttpMethod.Get, "/api/v1/patients/p-raw/appointments", _gateway.PatientToken("p-raw"));
        var request = Assert.IsType<Request>(await unit.ReceiveAsync(TimeSpan.FromSeconds(30)));
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.NotFound, Error: "test"));
        var (response, traceId, _) = await call;
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // One id for operators: the correlation id is the trace id, and the traceparent is in that trace.
        Assert.Equal(traceId.ToHexString(), request.CorrelationId);
        Assert.True(ActivityContext.TryParse(request.TraceParent, request.TraceState, out var parent), request.TraceParent);
        Assert.Equal(traceId, parent.TraceId);
        await Eventually.AssertAsync(() =>
        {
            Assert.Equal(parent.SpanId, Single(InTrace(_gatewaySpans, traceId), GatewayTracing.ReadSpan).SpanId);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_write_delivery_on_the_unit_shares_the_write_requests_trace()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-t2");
        await using var _ = unit;

        var slot = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero).AddHours(3);
        var (response, traceId, _) = await TracedAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(slot));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, response.StatusCode.ToString());

        await Eventually.AssertAsync(() =>
        {
            var gateway = InTrace(_gatewaySpans, traceId);
            var server = Assert.Single(gateway, s => s.Kind == ActivityKind.Server);
            var write = Single(gateway, GatewayTracing.WriteSpan);
            Assert.Equal(server.SpanId, write.ParentSpanId);
            // The session's delivery runs in an actor, after the journal write: parented through the message.
            var deliver = Assert.Single(gateway, s => s.OperationName == GatewayTracing.DeliverSpan);
            Assert.Equal(write.SpanId, deliver.ParentSpanId);

            var applied = Single(InTrace(_unitSpans, traceId), UnitNodeTracing.DeliverySpan);
            Assert.Equal(deliver.SpanId, applied.ParentSpanId);
            Assert.Equal("applied", applied.GetTagItem(UnitNodeTracing.OutcomeTag));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Metrics_are_scraped_from_loopback_with_our_instrument_names_after_traffic()
    {
        var (unit, patientId, token) = await OnlineUnitAsync("unit-t3");
        await using var _ = unit;
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", token)).StatusCode);
        var slot = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(41), TimeSpan.Zero).AddHours(4);
        var write = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(slot));
        Assert.True(write.IsSuccessStatusCode, write.StatusCode.ToString());

        await Eventually.AssertAsync(async () =>
        {
            var scrape = await _gateway.Http.GetAsync(GatewayTelemetry.MetricsPath); // no token: loopback is allowed by default
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            var text = await scrape.Content.ReadAsStringAsync();
            Assert.Contains("hgw_read_duration_seconds_bucket{", text);
            Assert.Contains("hgw_outcome=\"ok\"", text);
            Assert.Contains("hgw_write_persisted_total{", text);
            Assert.Contains("hgw_write_delivered_total", text);
            Assert.Contains("hgw_write_settled_total{", text);
            Assert.Contains("hgw_write_backlog", text);
            Assert.Contains("hgw_unit_sessions_connected", text);
            Assert.Contains("http_server_request_duration_seconds_bucket{", text);
        });
    }

    [Fact]
    public async Task Metrics_need_an_admin_token_from_outside_the_allowed_networks()
    {
        await using var strict = await GatewayNode.StartAsync(_temp.Sub("gw-strict"), settings: new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:AllowLoopback"] = "false",
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await strict.GetAsync(GatewayTelemetry.MetricsPath, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await strict.GetAsync(GatewayTelemetry.MetricsPath, strict.PatientToken("pat-1"))).StatusCode);
        var admin = await strict.GetAsync(GatewayTelemetry.MetricsPath, strict.Tokens.Mint(Roles.Admin, "ops-1", TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("# TYPE", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_can_be_switched_off()
    {
        await using var off = await GatewayNode.StartAsync(_temp.Sub("gw-off"), settings: new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "false",
        });
        Assert.Equal(HttpStatusCode.NotFound, (await off.GetAsync(GatewayTelemetry.MetricsPath, null)).StatusCode);
    }
}
