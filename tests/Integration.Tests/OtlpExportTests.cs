using System.Diagnostics;
using System.Net;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.UnitNode.Telemetry;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// What the Aspire dashboard relies on (src/AppHost sets <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> for every project): a
/// gateway and a unit, as real processes configured only by the standard OTEL_* variables, export a routed read's
/// spans over OTLP to a real collector endpoint, in one trace whose id is the read's correlation id.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private const string GatewayService = "hgw-gateway-otlp-test";
    private const string UnitService = "hgw-unit-otlp-test";
    private const string UnitId = "unit-otlp";

    private readonly TempDirectory _temp = new();
    private OtlpReceiver _collector = null!;
    private GatewayProcess _gateway = null!;
    private ChildProcess? _unit;

    public async Task InitializeAsync()
    {
        _collector = await OtlpReceiver.StartAsync();
        _gateway = new GatewayProcess(_temp.Sub("gw"), environment: Otlp(GatewayService));
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_unit is not null) await _unit.DisposeAsync();
        await _gateway.DisposeAsync();
        await _collector.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>The variables Aspire sets, pointed at the in-test collector; short export delays so spans arrive soon.</summary>
    private Dictionary<string, string> Otlp(string serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    private async Task<string> OnlineUnitPatientAsync()
    {
        var unitData = _temp.Sub("units");
        var environment = Otlp(UnitService);
        environment["Gateway__Url"] = _gateway.WebSocketBase.ToString().TrimEnd('/');
        environment["Gateway__Token"] = _gateway.Tokens.Mint(Roles.Unit, UnitId, TimeSpan.FromMinutes(30));
        _unit = ChildProcess.Start(RepoPaths.UnitNodeDll,
            ["--Unit:Id", UnitId, "--Unit:DataDirectory", unitData, "--seed-patients", "2"], environment);

        // The gateway answers once the unit has registered its seeded patients.
        var patientId = await UnitPatients.FirstAsync(UnitId, unitData, () => !_unit.HasExited);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await ReadAsync(patientId, ActivityTraceId.CreateRandom())).StatusCode), TimeSpan.FromSeconds(60));
        return patientId;
    }

    /// <summary>A read inside a trace the test starts (as a traced caller would), so its spans can be told apart.</summary>
    private async Task<HttpResponseMessage> ReadAsync(string patientId, ActivityTraceId traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/patients/{patientId}/appointments");
        request.Headers.Authorization = new("Bearer", _gateway.Tokens.Mint(Roles.Patient, patientId, TimeSpan.FromMinutes(30)));
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return await _gateway.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_routed_reads_gateway_and_unit_spans_arrive_over_otlp_in_one_trace_named_by_the_correlation_id()
    {
        var patientId = await OnlineUnitPatientAsync();
        var traceId = ActivityTraceId.CreateRandom();

        var response = await ReadAsync(patientId, traceId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var correlationId = traceId.ToHexString(); // the gateway uses the trace id as the frame's correlation id

        await Eventually.AssertAsync(() =>
        {
            var trace = _collector.Spans.Where(s => s.TraceId == correlationId).ToList();
            var server = Assert.Single(trace, s => s.ServiceName == GatewayService && s.Kind == OtlpSpan.ServerKind && s.Name != GatewayTracing.ReadSpan);
            var read = Assert.Single(trace, s => s.ServiceName == GatewayService && s.Name == GatewayTracing.ReadSpan);
            Assert.Equal(server.SpanId, read.ParentSpanId);
            Assert.Equal(UnitId, read.Attributes[GatewayTracing.UnitIdTag]);
            Assert.Equal("ok", read.Attributes[GatewayTracing.OutcomeTag]);

            var handled = Assert.Single(trace, s => s.ServiceName == UnitService && s.Name == UnitNodeTracing.RequestSpan);
            Assert.Equal(read.SpanId, handled.ParentSpanId);
            Assert.Equal("ok", handled.Attributes[UnitNodeTracing.OutcomeTag]);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));

        // Metrics and logs take the same road (the dashboard's other two views).
        await Eventually.AssertAsync(() =>
        {
            Assert.True(_collector.MetricExports > 0, "no metrics export arrived");
            Assert.True(_collector.LogExports > 0, "no logs export arrived");
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_collector_that_refuses_exports_costs_no_read_and_spans_flow_again_once_it_is_back()
    {
        var patientId = await OnlineUnitPatientAsync();
        _collector.Refusing = true;
        var refusedBefore = _collector.RefusedExports;

        var duringOutage = ActivityTraceId.CreateRandom();
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(patientId, duringOutage)).StatusCode);
        // Both processes did try to export (and were answered 503): the read did not wait for or fail on it.
        await Eventually.AssertAsync(() =>
        {
            Assert.True(_collector.RefusedExports > refusedBefore, "no export was attempted during the outage");
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));

        _collector.Refusing = false;
        var afterOutage = ActivityTraceId.CreateRandom();
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(patientId, afterOutage)).StatusCode);
        await Eventually.AssertAsync(() =>
        {
            Assert.Contains(_collector.Spans, s => s.TraceId == afterOutage.ToHexString() && s.Name == GatewayTracing.ReadSpan);
            Assert.Contains(_collector.Spans, s => s.TraceId == afterOutage.ToHexString() && s.Name == UnitNodeTracing.RequestSpan);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30));
    }
}
