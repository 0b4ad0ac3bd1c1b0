using System.Net.WebSockets;
using System.Text.Json;
using HealthGateway.Bench.Common;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Bench.SimulatedUnits;

/// <summary>
/// One unit speaking hgw.v1 over a real WebSocket with an in-memory "database": registers its patients
/// through patient.registered events, answers every read with the bench payload, applies and acks every
/// delivery. Reconnects like the real UnitNode (backoff from 1 s, doubling, full jitter, cap 30 s), and honours the
/// gateway's hints (docs/protocol.md, section 12): after a 503 with Retry-After, or an error frame with retryAfterMs,
/// it waits the hint plus up to 1 s of jitter instead of its own backoff.
/// </summary>
public sealed class ProtocolUnit(int index, Uri gateway, string token, int patients, UnitStats stats)
{
    private const int AckEvery = 32;
    private static readonly DateTimeOffset RegisteredAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JsonElement AppliedResult = JsonDocument.Parse("""{"ok":true}""").RootElement.Clone();

    private readonly string _unitId = BenchIds.Unit(index);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<DeliveryOutcome> _pendingOutcomes = [];
    private long _lastAppliedSeq;
    private bool _flushScheduled;
    // The gateway's hint for the next reconnect (Retry-After or retryAfterMs), if it gave one.
    private TimeSpan? _hint;

    public async Task RunAsync(CancellationToken ct)
    {
        var attempt = 0;
        while (!ct.IsCancellationRequested)
        {
            var attached = false;
            _hint = null;
            using var socket = new ClientWebSocket();
            try
            {
                socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
                socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
                socket.Options.SetBuffer(4096, 4096);
                socket.Options.CollectHttpResponseDetails = true;
                await socket.ConnectAsync(new Uri(gateway, "/ws/units"), ct);
                await SessionAsync(socket, () => { attached = true; attempt = 0; stats.OnAttached(); }, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                stats.OnConnectFailure(); // refused, reset, closed without handshake, bad frame: reconnect
                if (socket.HttpResponseHeaders?.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is { } header
                    && int.TryParse(header, out var seconds))
                {
                    _hint = TimeSpan.FromSeconds(seconds);
                    stats.OnRefusedWithHint();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                if (attached) stats.OnDetached();
            }
            if (_hint is { } hint)
            {
                await Task.Delay(hint + TimeSpan.FromSeconds(Random.Shared.NextDouble()), ct).ContinueWith(_ => { });
                continue;
            }
            var ceiling = Math.Min(30.0, Math.Pow(2, Math.Min(attempt++, 10)));
            await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble() * (ceiling - 1)), ct).ContinueWith(_ => { });
        }
    }

    /// <summary>One connection, from hello until the socket closes; <paramref name="onAttached"/> runs on welcome.</summary>
    private async Task SessionAsync(ClientWebSocket socket, Action onAttached, CancellationToken ct)
    {
        await SendAsync(socket, new Hello(ProtocolConstants.Version, _unitId, "bench-simulated-unit/1", Interlocked.Read(ref _lastAppliedSeq)), ct);
        var buffer = new byte[8192];
        var first = await ReceiveAsync(socket, buffer, ct);
        if (first.Frame is not Welcome welcome) return;
        onAttached();

        if (welcome.LastEventSeq < patients) await SendRegistrationsAsync(socket, welcome.LastEventSeq, ct);
        else stats.OnRegistered();

        while (!ct.IsCancellationRequested)
        {
            var (frame, next) = await ReceiveAsync(socket, buffer, ct);
            buffer = next;
            switch (frame)
            {
                case null:
                    return;
                case Request request:
                    stats.OnRequest();
                    await SendAsync(socket, new Reply(request.Id, ReplyStatus.Ok, ReadPayload.ElementFor(request.PatientId)), ct);
                    break;
                case Deliver deliver:
                    await ApplyAsync(socket, deliver, ct);
                    break;
                case Ack ack when ack.UpToSeq >= patients:
                    stats.OnRegistered();
                    break;
                case Ping ping:
                    await SendAsync(socket, new Pong(ping.Nonce), ct);
                    break;
                case ErrorFrame { RetryAfterMs: { } ms }:
                    _hint = TimeSpan.FromMilliseconds(ms); // going_away / try_later: the close follows
                    break;
            }
        }
    }

    private async Task SendRegistrationsAsync(ClientWebSocket socket, long lastEventSeq, CancellationToken ct)
    {
        for (var from = lastEventSeq + 1; from <= patients; from += ProtocolConstants.MaxEventsPerFrame)
        {
            var events = new List<UnitEvent>();
            for (var seq = from; seq <= patients && events.Count < ProtocolConstants.MaxEventsPerFrame; seq++)
            {
                var patientId = BenchIds.Patient(index, (int)seq - 1);
                events.Add(new UnitEvent(seq, $"{_unitId}-evt-{seq}", UnitEventKinds.PatientRegistered, patientId,
                    RegisteredAt.AddMilliseconds(seq),
                    FrameCodec.ToElement(new PatientRegistered("Bench Patient"), ProtocolJsonContext.Default.PatientRegistered)));
            }
            await SendAsync(socket, new EventBatch(events), ct);
        }
    }

    /// <summary>In-memory apply: record the seq and the outcome; ack in groups (as the real unit does, sooner).</summary>
    private async Task ApplyAsync(ClientWebSocket socket, Deliver deliver, CancellationToken ct)
    {
        var last = Interlocked.Read(ref _lastAppliedSeq);
        if (deliver.PrevSeq is { } prev && prev > last) return; // a gap: wait for the resend
        bool flushNow;
        lock (_pendingOutcomes)
        {
            if (deliver.Seq > last)
            {
                Interlocked.Exchange(ref _lastAppliedSeq, deliver.Seq);
                stats.OnApplied();
            }
            _pendingOutcomes.Add(new DeliveryOutcome(deliver.Seq, deliver.MessageId, OutcomeStatus.Applied, AppliedResult));
            flushNow = _pendingOutcomes.Count >= AckEvery;
            if (!flushNow && !_flushScheduled)
            {
                _flushScheduled = true;
                _ = FlushLaterAsync(socket, ct);
            }
        }
        if (flushNow) await FlushAsync(socket, ct);
    }

    private async Task FlushLaterAsync(ClientWebSocket socket, CancellationToken ct)
    {
        try
        {
            await Task.Delay(5, ct);
            await FlushAsync(socket, ct);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    private async Task FlushAsync(ClientWebSocket socket, CancellationToken ct)
    {
        DeliveryOutcome[] outcomes;
        lock (_pendingOutcomes)
        {
            _flushScheduled = false;
            if (_pendingOutcomes.Count == 0) return;
            outcomes = [.. _pendingOutcomes];
            _pendingOutcomes.Clear();
        }
        await SendAsync(socket, new Ack(Interlocked.Read(ref _lastAppliedSeq), outcomes), ct);
        stats.OnAckSent();
    }

    private async Task SendAsync(ClientWebSocket socket, Frame frame, CancellationToken ct)
    {
        var bytes = FrameCodec.Encode(frame);
        await _sendLock.WaitAsync(ct);
        try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
    }

    /// <summary>The next frame (null when the gateway closed), reassembled to end of message.</summary>
    private static async Task<(Frame? Frame, byte[] Buffer)> ReceiveAsync(ClientWebSocket socket, byte[] buffer, CancellationToken ct)
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
        return (decoded.Frame ?? throw new InvalidDataException($"invalid frame from the server: {decoded.Error}"), buffer);
    }
}
