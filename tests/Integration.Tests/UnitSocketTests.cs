using System.Net;
using Akka.Actor;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests;

/// <summary>The unit socket's rules, driven by a hand-made unit on a real WebSocket against a real gateway.</summary>
public sealed class UnitSocketTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:ReadTimeout"] = "00:00:01.5",
            ["Gateway:HandshakeTimeout"] = "00:00:01",
            ["Gateway:MaxFrameBytes"] = "65536",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private static EventBatch Registrations(params string[] patientIds) =>
        new(patientIds.Select((p, i) => TestEvents.Registered(i + 1, p, $"ev-{p}")).ToList());

    private async Task<RawUnitClient> AttachWithPatientsAsync(string unitId, params string[] patientIds)
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId), unitId);
        await client.SendAsync(Registrations(patientIds));
        var ack = Assert.IsType<Ack>(await client.ReceiveAsync());
        Assert.Equal(patientIds.Length, ack.UpToSeq);
        return client;
    }

    [Fact]
    public async Task Welcome_tells_the_unit_where_to_resume_its_changes()
    {
        await using (var first = await AttachWithPatientsAsync("unit-r", "p-r1", "p-r2", "p-r3")) { }

        var (client, welcome) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-r"), "unit-r");
        await using var _ = client;
        Assert.Equal(3, welcome.LastEventSeq);
        Assert.True(welcome.SessionEpoch >= 2);
    }

    [Fact]
    public async Task Ops_see_when_a_unit_was_last_heard_from_and_a_ping_moves_it_on()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-seen"), "unit-seen");
        await using var _ = client;
        var admin = _gateway.Tokens.Mint(Roles.Admin, "ops-oncall", TimeSpan.FromMinutes(5));
        async Task<DateTimeOffset?> LastSeenAsync()
        {
            var view = await (await _gateway.GetAsync("/api/v1/ops/units/unit-seen", admin)).JsonAsync();
            return view.TryGetProperty("lastSeen", out var seen) && seen.ValueKind == JsonValueKind.String ? seen.GetDateTimeOffset() : null;
        }

        // The node's once-a-second sweep reports the hello; then a ping later than that is reported too.
        var first = await Eventually.GetAsync(LastSeenAsync, seen => seen is not null, TimeSpan.FromSeconds(30));
        var pingedAfter = DateTimeOffset.UtcNow;
        Assert.True(pingedAfter >= first);
        await client.SendAsync(new Ping(42));
        Assert.Equal(42, Assert.IsType<Pong>(await client.ReceiveAsync()).Nonce);
        await Eventually.GetAsync(LastSeenAsync, seen => seen >= pingedAfter, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_read_goes_to_the_unit_and_its_reply_comes_back()
    {
        await using var unit = await AttachWithPatientsAsync("unit-1", "p-100");
        var token = _gateway.PatientToken("p-100");

        var pending = _gateway.GetAsync("/api/v1/patients/p-100/appointments", token);
        var request = Assert.IsType<Request>(await unit.ReceiveAsync());
        Assert.Equal(Operations.ListAppointments, request.Operation);
        Assert.Equal("p-100", request.PatientId);
        var list = new AppointmentList("p-100", [new Appointment("a-1", "p-100", DateTimeOffset.UtcNow.AddDays(2), 30, "Dr. Who", "Checkup", AppointmentStatus.Booked)]);
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, FrameCodec.ToElement(list, ProtocolJsonContext.Default.AppointmentList)));

        var response = await pending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.AppointmentList)!;
        Assert.Equal("a-1", Assert.Single(body.Appointments).Id);
    }

    [Fact]
    public async Task A_unit_that_does_not_answer_in_time_gives_504()
    {
        await using var unit = await AttachWithPatientsAsync("unit-slow", "p-slow");

        var response = await _gateway.GetAsync("/api/v1/patients/p-slow/invoices", _gateway.PatientToken("p-slow"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.IsType<Request>(await unit.ReceiveAsync()); // it did reach the unit
    }

    [Fact]
    public async Task A_unit_reply_that_breaks_the_contract_gives_502()
    {
        await using var unit = await AttachWithPatientsAsync("unit-bad", "p-bad");
        var pending = _gateway.GetAsync("/api/v1/patients/p-bad/records", _gateway.PatientToken("p-bad"));
        var request = Assert.IsType<Request>(await unit.ReceiveAsync());
        using var doc = JsonDocument.Parse("""{"patientId":"p-bad","allergies":"not a list"}""");
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, doc.RootElement.Clone()));

        Assert.Equal(HttpStatusCode.BadGateway, (await pending).StatusCode);
    }

    [Fact]
    public async Task An_offline_unit_gives_503_with_retry_after_at_once()
    {
        await using (var unit = await AttachWithPatientsAsync("unit-gone", "p-gone")) { }

        var token = _gateway.PatientToken("p-gone");
        var response = await Eventually.GetAsync(
            () => _gateway.GetAsync("/api/v1/patients/p-gone/appointments", token),
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable);

        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_second_connection_supersedes_the_first_with_close_4000()
    {
        await using var first = await AttachWithPatientsAsync("unit-dup", "p-dup");
        var (second, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-dup"), "unit-dup");
        await using var _ = second;

        Assert.Equal(CloseCodes.Superseded, await first.ReceiveCloseAsync());

        // Reads now go to the second connection.
        var pending = _gateway.GetAsync("/api/v1/patients/p-dup/appointments", _gateway.PatientToken("p-dup"));
        var request = Assert.IsType<Request>(await second.ReceiveAsync());
        Assert.Equal("p-dup", request.PatientId);
        await second.SendAsync(new Reply(request.Id, ReplyStatus.NotFound));
        Assert.Equal(HttpStatusCode.NotFound, (await pending).StatusCode);
    }

    [Fact]
    public async Task A_unit_token_cannot_attach_as_another_unit()
    {
        await using var client = await RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-a"));
        await client.SendAsync(new Hello(ProtocolConstants.Version, "unit-b", "raw", 0));

        Assert.Equal(CloseCodes.UnitIdMismatch, await client.ReceiveCloseAsync());

        var status = await _gateway.Region.Ask<Gateway.Units.Messages.UnitSessionReplies.SessionStatus>(
            new Gateway.Units.Messages.UnitSessionCommands.GetStatus("unit-b"), TimeSpan.FromSeconds(10));
        Assert.False(status.Connected);
        Assert.Equal(0, status.Epoch);
    }

    [Fact]
    public async Task An_unsupported_protocol_version_is_closed_with_4002()
    {
        await using var client = await RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-v"));
        await client.SendAsync(new Hello(99, "unit-v", "raw", 0));
        Assert.Equal(CloseCodes.UnsupportedVersion, await client.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData(Roles.Patient)]
    [InlineData(Roles.Partner)]
    [InlineData(Roles.Admin)]
    public async Task Only_unit_tokens_may_open_the_unit_socket(string role)
    {
        var token = _gateway.Tokens.Mint(role, "unit-x", TimeSpan.FromMinutes(5));
        var error = await Assert.ThrowsAsync<WebSocketException>(() => RawUnitClient.ConnectAsync(_gateway.WebSocketBase, token));
        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task No_token_is_refused_with_401()
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() => RawUnitClient.ConnectAsync(_gateway.WebSocketBase, null));
        Assert.Contains("401", error.Message);
    }

    [Fact]
    public async Task The_subprotocol_is_required()
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() =>
            RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-s"), subProtocol: null));
        Assert.Contains("400", error.Message);
    }

    [Fact]
    public async Task A_browser_origin_is_refused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {_gateway.UnitToken("unit-o")}");
        socket.Options.SetRequestHeader("Origin", "https://evil.example");
        socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        var error = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri(_gateway.WebSocketBase, "/ws/units"), CancellationToken.None));
        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task No_hello_in_time_is_closed_with_4001()
    {
        await using var client = await RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-quiet"));
        Assert.Equal(CloseCodes.HandshakeTimeout, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_malformed_frame_is_closed_with_1007()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-m"), "unit-m");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"reply","id":"""));

        Assert.Equal(CloseCodes.InvalidFrame, await client.ReceiveCloseAsync());
        Assert.StartsWith("malformed_json", client.CloseDescription);
    }

    [Fact]
    public async Task A_frame_over_the_cap_is_closed_with_1009()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-big"), "unit-big");
        await using var _ = client;
        var huge = new ErrorFrame("x", new string('a', 70_000));

        await client.SendAsync(huge);

        Assert.Equal(CloseCodes.FrameTooLarge, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_frame_exactly_at_a_smaller_size_passes()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-ok"), "unit-ok");
        await using var _ = client;
        await client.SendAsync(new ErrorFrame("x", new string('a', 60_000)));
        await client.SendAsync(new Ping(7));

        Assert.Equal(7, Assert.IsType<Pong>(await client.ReceiveAsync()).Nonce);
    }

    [Fact]
    public async Task A_unit_may_not_send_gateway_frames()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-w"), "unit-w");
        await using var _ = client;
        await client.SendAsync(new Welcome(1, 1, 1, 1));
        Assert.Equal(CloseCodes.PolicyViolation, await client.ReceiveCloseAsync());
    }

    /// <summary>Holds the gateway database's write lock: nothing the unit sends can be made durable, so nothing is acknowledged.</summary>
    private async Task<SqliteConnection> LockDatabaseAsync()
    {
        var locker = new SqliteConnection(new SqliteConnectionStringBuilder
            { DataSource = Path.Combine(_gateway.DataDirectory, "gateway.db"), Pooling = false, DefaultTimeout = 5 }.ToString());
        await locker.OpenAsync();
        await using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE;";
        await begin.ExecuteNonQueryAsync();
        return locker;
    }

    private static EventBatch Registration(long seq, string patientId) =>
        new([TestEvents.Registered(seq, patientId, $"ev-{patientId}")]);

    [Fact]
    public async Task Sixteen_change_batches_may_wait_for_their_ack()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-cap-ok"), "unit-cap-ok");
        await using var _ = client;
        await using (var locker = await LockDatabaseAsync())
        {
            for (var seq = 1; seq <= 16; seq++) await client.SendAsync(Registration(seq, $"p-cap-ok-{seq}"));
            await locker.CloseAsync(); // the journal's waiting writes go through now
        }

        // Still open: the acks arrive, up to the 16th batch.
        long acked = 0;
        while (acked < 16) acked = Math.Max(acked, Assert.IsType<Ack>(await client.ReceiveAsync(TimeSpan.FromSeconds(30))).UpToSeq);
        Assert.Equal(16, acked);
    }

    [Fact]
    public async Task A_seventeenth_change_batch_without_an_ack_closes_the_socket_with_policy_violation()
    {
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-cap"), "unit-cap");
        await using var _ = client;
        await using var locker = await LockDatabaseAsync();
        for (var seq = 1; seq <= 17; seq++) await client.SendAsync(Registration(seq, $"p-cap-{seq}"));

        Assert.Equal(CloseCodes.PolicyViolation, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("unacknowledged", client.CloseDescription);
    }
}
