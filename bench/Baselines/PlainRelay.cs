using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Bench.Baselines;

/// <summary>
/// Baseline (b): a WebSocket relay without Akka. A dictionary of unit sockets, a dictionary of
/// patient -> unit fed by the units' patient.registered events, and a correlation map of pending reads.
/// It speaks hgw.v1 (hello/welcome, events/ack, request/reply), so the same simulated units connect to it;
/// no persistence, no sessions, no backpressure beyond a send lock: what a small team would write first.
/// </summary>
public sealed class PlainRelay
{
    private readonly ConcurrentDictionary<string, RelaySocket> _units = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _patients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Reply>> _pending = new(StringComparer.Ordinal);

    public void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/ws/units", AcceptUnitAsync).RequireAuthorization("unit");
        app.MapGet("/api/v1/patients/{patientId}/appointments", ReadAsync)
            .RequireAuthorization("patient").AddEndpointFilter<SamePatientFilter>();
    }

    private async Task<IResult> ReadAsync(string patientId, HttpContext http)
    {
        if (!_patients.TryGetValue(patientId, out var unitId)) return TypedResults.NotFound();
        if (!_units.TryGetValue(unitId, out var unit)) return TypedResults.StatusCode(503);

        var id = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await unit.SendAsync(new Request(id, Operations.ListAppointments, patientId, DateTimeOffset.UtcNow.AddSeconds(5)), http.RequestAborted);
            var answer = await reply.Task.WaitAsync(TimeSpan.FromSeconds(5), http.RequestAborted);
            // As the gateway does: check the payload against the contract before answering.
            var list = answer.Payload?.Deserialize(ProtocolJsonContext.Default.AppointmentList);
            return list is not null && list.PatientId == patientId
                ? TypedResults.Json(list, ProtocolJsonContext.Default.AppointmentList)
                : TypedResults.StatusCode(502);
        }
        catch (TimeoutException)
        {
            return TypedResults.StatusCode(504);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task AcceptUnitAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest) { http.Response.StatusCode = 400; return; }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(ProtocolConstants.SubProtocol);
        var unit = new RelaySocket(socket);
        var buffer = new byte[4096];
        string? unitId = null;
        try
        {
            while (true)
            {
                var (frame, next) = await ReceiveAsync(socket, buffer, http.RequestAborted);
                buffer = next;
                switch (frame)
                {
                    case null:
                        return;
                    case Hello hello when hello.UnitId == http.User.FindFirst("sub")?.Value:
                        unitId = hello.UnitId;
                        _units[unitId] = unit;
                        await unit.SendAsync(new Welcome(1, unit.LastEventSeq, 15, ProtocolConstants.DefaultMaxFrameBytes), http.RequestAborted);
                        break;
                    case Hello:
                        await socket.CloseAsync((WebSocketCloseStatus)CloseCodes.UnitIdMismatch, "unit id does not match the token", default);
                        return;
                    case EventBatch batch when unitId is not null:
                        foreach (var e in batch.Events)
                            if (e.Kind == UnitEventKinds.PatientRegistered) _patients[e.PatientId] = unitId;
                        unit.LastEventSeq = batch.Events[^1].Seq;
                        await unit.SendAsync(new Ack(unit.LastEventSeq), http.RequestAborted);
                        break;
                    case Reply reply:
                        if (_pending.TryGetValue(reply.Id, out var waiting)) waiting.TrySetResult(reply);
                        break;
                    case Ping ping:
                        await unit.SendAsync(new Pong(ping.Nonce), http.RequestAborted);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidDataException) { }
        finally
        {
            if (unitId is not null) _units.TryRemove(new KeyValuePair<string, RelaySocket>(unitId, unit));
        }
    }

    private static async Task<(Frame? Frame, byte[] Buffer)> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken ct)
    {
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), ct);
            if (result.MessageType == WebSocketMessageType.Close) return (null, buffer);
            count += result.Count;
            if (result.EndOfMessage) break;
            if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
        var decoded = FrameCodec.Decode(buffer.AsSpan(0, count));
        return (decoded.Frame ?? throw new InvalidDataException(decoded.Error?.ToString()), buffer);
    }

    private sealed class RelaySocket(WebSocket socket)
    {
        private readonly SemaphoreSlim _sendLock = new(1, 1);

        public long LastEventSeq { get; set; }

        public async Task SendAsync(Frame frame, CancellationToken ct)
        {
            var bytes = FrameCodec.Encode(frame);
            await _sendLock.WaitAsync(ct);
            try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
            finally { _sendLock.Release(); }
        }
    }
}
