using System.Collections.Concurrent;
using System.Diagnostics;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Telemetry;
using HealthGateway.UnitNode.Tests.Connection;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Tests.Telemetry;

/// <summary>The unit joins the gateway's trace from the frame's traceparent and logs under the correlation id.</summary>
public sealed class UnitTracingTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ScopeCapturingLoggerProvider _logs = new();
    private ActivityListener _listener = null!;
    private FakeGateway _gateway = null!;
    private UnitUnderTest? _unit;

    public async Task InitializeAsync()
    {
        // Process-wide: other tests' spans arrive too, so assertions filter by trace id.
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == UnitNodeTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _gateway = await FakeGateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        if (_unit is not null) await _unit.DisposeAsync();
        _listener.Dispose();
        _directory.Dispose();
    }

    private async Task<FakeGatewayConnection> ConnectAsync()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory,
            overrides: new Dictionary<string, string?> { ["Logging:LogLevel:HealthGateway"] = "Information" },
            services: s => s.AddLogging(l => l.AddProvider(_logs)));
        var connection = await _gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());
        await connection.SendAsync(new Welcome(1, 3, 30, ProtocolConstants.DefaultMaxFrameBytes));
        return connection;
    }

    private static string TraceParent(ActivityTraceId traceId, ActivitySpanId spanId) => $"00-{traceId.ToHexString()}-{spanId.ToHexString()}-01";

    [Fact]
    public async Task A_request_span_is_a_child_of_the_frames_traceparent_and_a_malformed_one_is_ignored()
    {
        var connection = await ConnectAsync();
        var patientId = (await _unit!.Store.ListPatientIdsAsync())[0];
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        var traceId = ActivityTraceId.CreateRandom();
        var gatewaySpan = ActivitySpanId.CreateRandom();

        await connection.SendAsync(new Request("r-t1", Operations.ListAppointments, patientId, deadline, null,
            traceId.ToHexString(), TraceParent(traceId, gatewaySpan), "vendor=abc"));
        Assert.Equal(ReplyStatus.Ok, (await connection.ExpectAsync<Reply>(r => r.Id == "r-t1")).Status);

        // Advisory: a traceparent the unit cannot parse changes nothing about the answer.
        await connection.SendAsync(new Request("r-t2", Operations.ListAppointments, patientId, deadline, null, "c-2", "00-not-a-trace-01"));
        Assert.Equal(ReplyStatus.Ok, (await connection.ExpectAsync<Reply>(r => r.Id == "r-t2")).Status);

        await Eventually.AssertAsync(() =>
        {
            var span = Assert.Single(_spans, s => s.TraceId == traceId);
            Assert.Equal(UnitNodeTracing.RequestSpan, span.OperationName);
            Assert.Equal(gatewaySpan, span.ParentSpanId);
            Assert.Equal(ActivityKind.Server, span.Kind);
            Assert.Equal("vendor=abc", span.TraceStateString);
            Assert.Equal("ok", span.GetTagItem(UnitNodeTracing.OutcomeTag));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_delivery_is_applied_in_a_child_span_and_logged_under_its_correlation_id()
    {
        var connection = await ConnectAsync();
        var patientId = (await _unit!.Store.ListPatientIdsAsync())[0];
        var traceId = ActivityTraceId.CreateRandom();
        var deliverySpan = ActivitySpanId.CreateRandom();
        var correlationId = traceId.ToHexString();

        await connection.SendAsync(new Deliver(1, "m-traced", Operations.BookAppointment, patientId, DateTimeOffset.UtcNow.AddMinutes(5),
            FrameCodec.ToElement(new BookAppointment(DateTimeOffset.UtcNow.Date.AddDays(401), 30, "Dr. Trace", "Check-up"),
                ProtocolJsonContext.Default.BookAppointment),
            correlationId, TraceParent: TraceParent(traceId, deliverySpan)));
        Assert.Equal(OutcomeStatus.Applied, Assert.Single((await connection.ExpectAsync<Ack>()).Outcomes!).Status);

        await Eventually.AssertAsync(() =>
        {
            var span = Assert.Single(_spans, s => s.TraceId == traceId);
            Assert.Equal(UnitNodeTracing.DeliverySpan, span.OperationName);
            Assert.Equal(deliverySpan, span.ParentSpanId);
            Assert.Equal("applied", span.GetTagItem(UnitNodeTracing.OutcomeTag));

            var line = Assert.Single(_logs.Lines, l => l.Message.Contains("m-traced"));
            Assert.Equal(correlationId, line.Scope["CorrelationId"]);
            Assert.Equal(correlationId, line.Scope["TraceId"]?.ToString()); // the host's activity tracking adds it
            return Task.CompletedTask;
        });
    }
}
