using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// docs/protocol.md, section 12: every close the gateway starts because of the unit (or its session) is preceded by
/// an <c>error</c> frame with a documented code, because the close reason is for humans only. Each case is a hostile
/// unit on a real WebSocket against a real gateway; it must see the error frame last, then the close code.
/// </summary>
public sealed class UnitSocketErrorFrameTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>
        {
            ["Gateway:HandshakeTimeout"] = "00:00:01",
            ["Gateway:AttachTimeout"] = "00:00:05",
            ["Gateway:MaxFrameBytes"] = "65536",
            ["Auth:ClockSkew"] = "00:00:01",
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private Task<(RawUnitClient Client, Welcome Welcome)> AttachAsync(string unitId) =>
        RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId), unitId);

    private Task<RawUnitClient> ConnectAsync(string unitId) => RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId));

    /// <summary>The last frame before the close is an error with <paramref name="code"/>; the close code is <paramref name="closeCode"/>.</summary>
    private static async Task<ErrorFrame> AssertErrorThenCloseAsync(RawUnitClient client, string code, int closeCode, TimeSpan? timeout = null)
    {
        var (last, close) = await client.ReceiveLastFrameAndCloseAsync(timeout);
        var error = Assert.IsType<ErrorFrame>(last);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(closeCode, close);
        return error;
    }

    private static EventBatch Registrations(long fromSeq, params string[] patientIds) =>
        new(patientIds.Select((p, i) => new UnitEvent(fromSeq + i, $"ev-{p}", UnitEventKinds.PatientRegistered, p, DateTimeOffset.UtcNow)).ToList());

    // --- decode errors (section 11) ---------------------------------------------------------------

    [Fact]
    public async Task Malformed_json_gets_error_malformed_json_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-json");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"ping","nonce":"""));

        await AssertErrorThenCloseAsync(client, ErrorCodes.MalformedJson, CloseCodes.InvalidFrame);
    }

    [Fact]
    public async Task A_binary_message_gets_error_malformed_json_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-bin");
        await using var _ = client;
        await client.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);

        await AssertErrorThenCloseAsync(client, ErrorCodes.MalformedJson, CloseCodes.InvalidFrame);
    }

    [Fact]
    public async Task A_frame_without_type_gets_error_missing_type_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-notype");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"nonce":1}"""));

        await AssertErrorThenCloseAsync(client, ErrorCodes.MissingType, CloseCodes.InvalidFrame);
    }

    [Fact]
    public async Task An_unknown_frame_type_gets_error_unknown_type_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-type");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"takeover","patientId":"p-1"}"""));

        await AssertErrorThenCloseAsync(client, ErrorCodes.UnknownType, CloseCodes.InvalidFrame);
    }

    [Fact]
    public async Task A_missing_required_field_gets_error_missing_field_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-missing");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"ping"}"""));

        var error = await AssertErrorThenCloseAsync(client, ErrorCodes.MissingField, CloseCodes.InvalidFrame);
        Assert.Contains("nonce", error.Message);
    }

    [Fact]
    public async Task An_invalid_event_batch_gets_error_invalid_field_then_1007()
    {
        var (client, _) = await AttachAsync("unit-e-invalid");
        await using var _ = client;
        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"type":"event","events":[]}"""));

        await AssertErrorThenCloseAsync(client, ErrorCodes.InvalidField, CloseCodes.InvalidFrame);
    }

    [Fact]
    public async Task A_frame_over_the_cap_gets_error_too_large_then_1009()
    {
        var (client, welcome) = await AttachAsync("unit-e-big");
        await using var _ = client;
        await client.SendAsync(new ErrorFrame("x", new string('a', welcome.MaxFrameBytes + 1)));

        await AssertErrorThenCloseAsync(client, ErrorCodes.TooLarge, CloseCodes.FrameTooLarge);
    }

    // --- protocol violations (section 4, step 6) --------------------------------------------------

    [Fact]
    public async Task A_first_frame_other_than_hello_gets_error_protocol_violation_then_1008()
    {
        await using var client = await ConnectAsync("unit-e-first");
        await client.SendAsync(new Ping(1));

        await AssertErrorThenCloseAsync(client, ErrorCodes.ProtocolViolation, CloseCodes.PolicyViolation);
    }

    [Fact]
    public async Task A_second_hello_gets_error_protocol_violation_then_1008()
    {
        var (client, _) = await AttachAsync("unit-e-hello2");
        await using var _ = client;
        await client.SendAsync(new Hello(ProtocolConstants.Version, "unit-e-hello2", "raw", 0));

        await AssertErrorThenCloseAsync(client, ErrorCodes.ProtocolViolation, CloseCodes.PolicyViolation);
    }

    [Fact]
    public async Task A_gateway_frame_from_the_unit_gets_error_protocol_violation_then_1008()
    {
        var (client, _) = await AttachAsync("unit-e-dir");
        await using var _ = client;
        using var payload = JsonDocument.Parse("{}");
        await client.SendAsync(new Deliver(1, "m-1", Operations.BookAppointment, "p-1", DateTimeOffset.UtcNow.AddHours(1), payload.RootElement.Clone()));

        await AssertErrorThenCloseAsync(client, ErrorCodes.ProtocolViolation, CloseCodes.PolicyViolation);
    }

    [Fact]
    public async Task Welcome_announces_the_unacknowledged_batch_limit_and_one_more_batch_gets_error_then_1008()
    {
        var (client, welcome) = await AttachAsync("unit-e-window");
        await using var _ = client;
        Assert.Equal(ProtocolConstants.MaxUnacknowledgedEventBatches, welcome.MaxEventBatchesInFlight);

        // Nothing can be made durable while the database is locked, so nothing is acknowledged.
        await using var locker = await LockDatabaseAsync();
        for (var seq = 1; seq <= ProtocolConstants.MaxUnacknowledgedEventBatches + 1; seq++) await client.SendAsync(Registrations(seq, $"p-e-window-{seq}"));

        var error = await AssertErrorThenCloseAsync(client, ErrorCodes.TooManyEventBatches, CloseCodes.PolicyViolation, TimeSpan.FromSeconds(30));
        Assert.Contains("16", error.Message);
    }

    [Fact]
    public async Task A_batch_that_skips_event_seqs_gets_error_internal_error_then_1011()
    {
        var (client, _) = await AttachAsync("unit-e-gap");
        await using var _ = client;
        await client.SendAsync(Registrations(1, "p-e-gap-1"));
        Assert.Equal(1, Assert.IsType<Ack>(await client.ReceiveAsync()).UpToSeq);

        await client.SendAsync(Registrations(5, "p-e-gap-5"));

        await AssertErrorThenCloseAsync(client, ErrorCodes.InternalError, CloseCodes.InternalError);
    }

    // --- handshake and session (sections 3, 4) ----------------------------------------------------

    [Fact]
    public async Task No_hello_in_time_gets_error_handshake_timeout_then_4001()
    {
        await using var client = await ConnectAsync("unit-e-quiet");

        await AssertErrorThenCloseAsync(client, ErrorCodes.HandshakeTimeout, CloseCodes.HandshakeTimeout);
    }

    [Fact]
    public async Task An_unsupported_version_gets_error_unsupported_version_then_4002()
    {
        await using var client = await ConnectAsync("unit-e-v");
        await client.SendAsync(new Hello(99, "unit-e-v", "raw", 0));

        await AssertErrorThenCloseAsync(client, ErrorCodes.UnsupportedVersion, CloseCodes.UnsupportedVersion);
    }

    [Fact]
    public async Task Claiming_another_unit_gets_error_unit_id_mismatch_then_4003()
    {
        await using var client = await ConnectAsync("unit-e-a");
        await client.SendAsync(new Hello(ProtocolConstants.Version, "unit-e-b", "raw", 0));

        await AssertErrorThenCloseAsync(client, ErrorCodes.UnitIdMismatch, CloseCodes.UnitIdMismatch);
    }

    [Fact]
    public async Task A_session_that_cannot_attach_in_time_gets_error_session_unavailable_then_4004()
    {
        // The session records every attach in the journal before it answers: a locked database keeps it from answering.
        await using var locker = await LockDatabaseAsync();
        await using var client = await ConnectAsync("unit-e-attach");
        await client.SendAsync(new Hello(ProtocolConstants.Version, "unit-e-attach", "raw", 0));

        await AssertErrorThenCloseAsync(client, ErrorCodes.SessionUnavailable, CloseCodes.SessionUnavailable, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_superseded_connection_gets_error_superseded_then_4000()
    {
        var (first, _) = await AttachAsync("unit-e-dup");
        await using var firstConnection = first;
        var (second, _) = await AttachAsync("unit-e-dup");
        await using var secondConnection = second;

        await AssertErrorThenCloseAsync(first, ErrorCodes.Superseded, CloseCodes.Superseded);
    }

    [Fact]
    public async Task An_expired_token_gets_error_token_expired_then_4005()
    {
        var shortLived = _gateway.Tokens.Mint(Roles.Unit, "unit-e-exp", TimeSpan.FromSeconds(3));
        var (client, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, shortLived, "unit-e-exp");
        await using var _ = client;

        await AssertErrorThenCloseAsync(client, ErrorCodes.TokenExpired, CloseCodes.TokenExpired);
    }

    // --- no error frame --------------------------------------------------------------------------

    [Fact]
    public async Task A_close_the_unit_starts_is_answered_without_an_error_frame()
    {
        var (client, _) = await AttachAsync("unit-e-bye");
        await using var _ = client;
        await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        var (last, close) = await client.ReceiveLastFrameAndCloseAsync();
        Assert.Null(last);
        Assert.Equal(CloseCodes.Normal, close);
    }

    /// <summary>Holds the gateway database's write lock until disposed: nothing can be journalled meanwhile.</summary>
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
}
