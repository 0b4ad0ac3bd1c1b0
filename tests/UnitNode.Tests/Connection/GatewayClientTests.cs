using System.Net.WebSockets;
using System.Text;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Tests.Connection;

/// <summary>The gateway client against a real Kestrel socket: handshake, outbox, requests, deliveries, reconnects.</summary>
public sealed class GatewayClientTests : IAsyncLifetime
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _directory = new();
    private FakeGateway _gateway = null!;
    private UnitUnderTest? _unit;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync()
    {
        // Gateway first: its sockets are not read any more, so a polite close from the unit would only time out.
        await _gateway.DisposeAsync();
        if (_unit is not null) await _unit.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Hello_comes_first_with_unit_id_token_subprotocol_and_last_applied_seq()
    {
        // Settle delivery seq 7 in the store before the service starts.
        using (var before = new StoreHarness(UnitUnderTest.UnitId, _directory.Path))
        {
            var expired = StoreHarness.Deliver(7, "m-7", Operations.CancelAppointment, "p-any", new CancelAppointment("a-1", null),
                expiresAt: StoreHarness.DefaultNow.AddDays(-1));
            Assert.Equal(OutcomeStatus.Expired, before.Applier.Apply(expired).Outcome.Status);
        }
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);

        var connection = await _gateway.AcceptAsync();
        var hello = Assert.IsType<Hello>(await connection.ReceiveAsync());

        Assert.Equal(ProtocolConstants.Version, hello.ProtocolVersion);
        Assert.Equal(UnitUnderTest.UnitId, hello.UnitId);
        Assert.Equal(7, hello.LastAppliedSeq);
        Assert.StartsWith("UnitNode/", hello.Software);
        Assert.Equal($"Bearer {UnitUnderTest.Token}", connection.Authorization);
        Assert.Equal(ProtocolConstants.SubProtocol, connection.SubProtocol);
        Assert.False(_unit.Status.IsConnected);
    }

    [Fact]
    public async Task After_welcome_the_outbox_is_sent_from_the_gateways_last_seq_and_acks_are_recorded()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory, seedPatients: 5);
        var connection = await Welcome(lastEventSeq: 2);

        var seqs = new List<long>();
        while (seqs.Count < 3)
        {
            var batch = await connection.ExpectAsync<EventBatch>();
            Assert.All(batch.Events, e => Assert.Equal(UnitEventKinds.PatientRegistered, e.Kind));
            seqs.AddRange(batch.Events.Select(e => e.Seq));
        }
        Assert.Equal(new long[] { 3, 4, 5 }, seqs);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected, StateTimeout));

        await connection.SendAsync(new Ack(5));
        await Eventually.TrueAsync(() => _unit.Outbox.CountUnacked() == 0, "the gateway's ack marks the outbox");

        // A change made at the front desk goes out at once (signalled, not polled).
        await _unit.Store.RegisterPatientAsync("p-walk-in", "Walk In");
        var next = await connection.ExpectAsync<EventBatch>();
        var registered = Assert.Single(next.Events);
        Assert.Equal(6, registered.Seq);
        Assert.Equal("p-walk-in", registered.PatientId);
    }

    [Fact]
    public async Task More_events_than_one_frame_holds_go_out_in_bounded_batches_in_order()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory, seedPatients: 2_600);
        var connection = await Welcome(lastEventSeq: 0);

        // Four batches in flight at most: without acks, the unit stops after 4 x 500 events.
        var received = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var batch = await connection.ExpectAsync<EventBatch>();
            Assert.True(batch.Events.Count <= ProtocolConstants.MaxEventsPerFrame);
            received.AddRange(batch.Events.Select(e => e.Seq));
        }
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (long)i), received);

        await connection.SendAsync(new Ack(2_000));
        while (received.Count < 2_600)
            received.AddRange((await connection.ExpectAsync<EventBatch>()).Events.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(1, 2_600).Select(i => (long)i), received);
    }

    [Fact]
    public async Task Requests_are_answered_from_the_store()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await Welcome(lastEventSeq: 3);
        var patientId = (await _unit.Store.ListPatientIdsAsync())[0];
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);

        await connection.SendAsync(new Request("r-1", Operations.ListAppointments, patientId, deadline));
        var appointments = await connection.ExpectAsync<Reply>(r => r.Id == "r-1");
        Assert.Equal(ReplyStatus.Ok, appointments.Status);
        var expected = await _unit.Store.GetAppointmentsAsync(patientId);
        var actual = FrameCodec.FromElement(appointments.Payload!.Value, ProtocolJsonContext.Default.AppointmentList, out _);
        Assert.Equal(expected!.Appointments, actual!.Appointments);

        await connection.SendAsync(new Request("r-2", Operations.ListInvoices, patientId, deadline));
        var invoices = FrameCodec.FromElement((await connection.ExpectAsync<Reply>(r => r.Id == "r-2")).Payload!.Value,
            ProtocolJsonContext.Default.InvoiceList, out _);
        Assert.Equal((await _unit.Store.GetInvoicesAsync(patientId))!.Invoices, invoices!.Invoices);

        await connection.SendAsync(new Request("r-3", Operations.GetRecords, patientId, deadline));
        var record = await connection.ExpectAsync<Reply>(r => r.Id == "r-3");
        Assert.Equal(ReplyStatus.Ok, record.Status);
        Assert.Equal(patientId, FrameCodec.FromElement(record.Payload!.Value, ProtocolJsonContext.Default.MedicalRecord, out _)!.PatientId);

        await connection.SendAsync(new Request("r-4", Operations.ListAppointments, "p-nobody", deadline));
        Assert.Equal(ReplyStatus.NotFound, (await connection.ExpectAsync<Reply>(r => r.Id == "r-4")).Status);

        await connection.SendAsync(new Request("r-5", "appointments.teleport", patientId, deadline));
        Assert.Equal(ReplyStatus.Unsupported, (await connection.ExpectAsync<Reply>(r => r.Id == "r-5")).Status);

        await connection.SendAsync(new Ping(42));
        Assert.Equal(42, (await connection.ExpectAsync<Pong>()).Nonce);
    }

    [Fact]
    public async Task A_delivery_is_applied_once_and_acked_cumulatively_with_its_outcome_even_when_redelivered()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await Welcome(lastEventSeq: 3);
        var patientId = (await _unit.Store.ListPatientIdsAsync())[0];
        var deliver = new Deliver(1, "m-book", Operations.BookAppointment, patientId, DateTimeOffset.UtcNow.AddMinutes(5),
            FrameCodec.ToElement(new BookAppointment(DateTimeOffset.UtcNow.Date.AddDays(400), 30, "Dr. Test", "Check-up"),
                ProtocolJsonContext.Default.BookAppointment));

        await connection.SendAsync(deliver);
        // The ack and the booking's outbox event come on the same socket, in either order.
        Ack? ack = null;
        EventBatch? booked = null;
        while (ack is null || booked is null)
        {
            switch (await connection.ReceiveAsync() ?? throw new InvalidOperationException("the unit closed the socket"))
            {
                case Ack a: ack = a; break;
                case EventBatch b when b.Events.Any(e => e.Kind == UnitEventKinds.AppointmentBooked): booked = b; break;
            }
        }
        var outcome = Assert.Single(ack.Outcomes!);
        Assert.Equal(1, ack.UpToSeq);
        Assert.Equal(OutcomeStatus.Applied, outcome.Status);
        Assert.Equal("m-book", outcome.MessageId);
        Assert.Equal(4, booked.Events.Single().Seq);

        await connection.SendAsync(deliver);
        var again = await connection.ExpectAsync<Ack>();
        Assert.Equal(1, again.UpToSeq);
        Assert.Equal(outcome.Result!.Value.GetRawText(), again.Outcomes!.Single().Result!.Value.GetRawText());
        Assert.Single((await _unit.Store.GetAppointmentsAsync(patientId))!.Appointments, a => a.Reason == "Check-up");
    }

    [Fact]
    public async Task The_unit_reconnects_after_the_gateway_drops_the_socket_and_says_hello_again()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var first = await Welcome(lastEventSeq: 3);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.ConnectedCount == 1, StateTimeout));

        first.Abort();

        var second = await _gateway.AcceptAsync();
        var hello = Assert.IsType<Hello>(await second.ReceiveAsync());
        Assert.Equal(UnitUnderTest.UnitId, hello.UnitId);
        await second.SendAsync(new Welcome(2, 3, 30, ProtocolConstants.DefaultMaxFrameBytes));
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected && s.ConnectedCount == 2, StateTimeout));
        Assert.Equal(2, _unit.Status.SessionEpoch);
    }

    [Fact]
    public async Task The_unit_reconnects_after_a_normal_close_from_the_gateway()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var first = await Welcome(lastEventSeq: 3);

        await first.CloseAsync(CloseCodes.Superseded, "a newer connection took over");

        Assert.True(await _unit.Status.WaitUntilAsync(s => s.LastCloseStatus == CloseCodes.Superseded, StateTimeout));
        Assert.True(_unit.Status.LastClosedByGateway);
        Assert.IsType<Hello>(await (await _gateway.AcceptAsync()).ReceiveAsync());
    }

    [Theory]
    [InlineData(CloseCodes.UnitIdMismatch)]
    [InlineData(CloseCodes.UnsupportedVersion)]
    public async Task The_unit_stops_retrying_when_the_gateway_rejects_its_identity_or_version(int closeCode)
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await _gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());

        await connection.CloseAsync(closeCode, "no");

        Assert.True(await _unit.Status.WaitUntilAsync(s => s.State == GatewayConnectionState.Stopped, StateTimeout));
        Assert.Equal(closeCode, _unit.Status.LastCloseStatus);
        Assert.Equal(1, _gateway.UpgradeAttempts);
    }

    [Fact]
    public async Task A_refused_token_is_retried_until_the_gateway_accepts_it()
    {
        _gateway.RejectUpgradeWith = 401;
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);

        Assert.True(await _unit.Status.WaitUntilAsync(s => s.LastHttpStatus == 401 && s.ConnectAttempts >= 2, StateTimeout));
        Assert.False(_unit.Status.IsConnected);

        _gateway.RejectUpgradeWith = null;
        await Welcome(lastEventSeq: 3);
        Assert.True(await _unit.Status.WaitUntilAsync(s => s.IsConnected, StateTimeout));
    }

    [Fact]
    public async Task An_oversized_message_closes_the_socket_with_1009()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await Welcome(lastEventSeq: 3);

        var huge = Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"nonce\":1,\"pad\":\"" + new string('x', ProtocolConstants.DefaultMaxFrameBytes) + "\"}");
        await connection.SendRawAsync(huge);

        Assert.Equal((WebSocketCloseStatus)CloseCodes.FrameTooLarge, await connection.ExpectCloseAsync());
        Assert.IsType<Hello>(await (await _gateway.AcceptAsync()).ReceiveAsync());
    }

    [Fact]
    public async Task An_undecodable_frame_closes_the_socket_with_the_codecs_close_code()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await Welcome(lastEventSeq: 3);

        await connection.SendRawAsync("{\"type\":\"teleport\"}"u8.ToArray());

        Assert.Equal(ErrorCodes.UnknownType, (await connection.ExpectAsync<ErrorFrame>()).Code);
        Assert.Equal((WebSocketCloseStatus)CloseCodes.InvalidFrame, await connection.ExpectCloseAsync());
        Assert.Contains("unknown_type", connection.CloseDescriptionFromUnit);
    }

    [Fact]
    public async Task An_error_frame_from_the_gateway_is_logged_with_its_code_before_the_close()
    {
        var logs = new ScopeCapturingLoggerProvider();
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory, services: s => s.AddLogging(l => l.AddProvider(logs)));
        var connection = await Welcome(lastEventSeq: 3);

        await connection.SendAsync(new ErrorFrame(ErrorCodes.TooManyEventBatches, "more than 16 event batches unacknowledged"));
        await connection.CloseAsync(CloseCodes.PolicyViolation, "more than 16 event batches unacknowledged");

        Assert.True(await _unit.Status.WaitUntilAsync(s => s.LastCloseStatus == CloseCodes.PolicyViolation, StateTimeout));
        Assert.Contains(logs.Lines, l => l.Message.Contains(ErrorCodes.TooManyEventBatches) && l.Message.Contains("more than 16"));
    }

    [Fact]
    public async Task No_welcome_in_time_closes_with_policy_violation_and_retries()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory,
            overrides: new Dictionary<string, string?> { ["Gateway:WelcomeTimeout"] = "00:00:00.300" });
        var silent = await _gateway.AcceptAsync();
        Assert.IsType<Hello>(await silent.ReceiveAsync());

        Assert.Equal((WebSocketCloseStatus)CloseCodes.PolicyViolation, await silent.ExpectCloseAsync());
        Assert.IsType<Hello>(await (await _gateway.AcceptAsync()).ReceiveAsync());
    }

    [Fact]
    public async Task Stopping_the_host_closes_the_socket_as_going_away()
    {
        _unit = await UnitUnderTest.StartAsync(_gateway, _directory);
        var connection = await Welcome(lastEventSeq: 3);
        var closed = connection.ExpectCloseAsync();

        await _unit.DisposeAsync();
        _unit = null;

        Assert.Equal((WebSocketCloseStatus)CloseCodes.GoingAway, await closed);
    }

    private async Task<FakeGatewayConnection> Welcome(long lastEventSeq)
    {
        var connection = await _gateway.AcceptAsync();
        Assert.IsType<Hello>(await connection.ReceiveAsync());
        await connection.SendAsync(new Welcome(1, lastEventSeq, 30, ProtocolConstants.DefaultMaxFrameBytes));
        return connection;
    }
}
