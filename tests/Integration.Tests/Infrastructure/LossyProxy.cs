using System.Collections.Concurrent;
using System.Net.WebSockets;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A test transport between a unit and the gateway: a real WebSocket relay that drops or delays a
/// fraction of the traffic frames (deliver, ack, event, request, reply) in both directions, with a
/// fixed random seed. Handshake and heartbeat frames pass untouched. Order is kept: a delayed frame
/// holds back the ones behind it, as a slow network would.
/// </summary>
public sealed class LossyProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Random _random;
    private readonly double _dropRate;
    private readonly double _delayRate;

    public ConcurrentDictionary<string, int> Dropped { get; } = new();
    public ConcurrentDictionary<string, int> Delayed { get; } = new();
    public int Forwarded => _forwarded;
    private int _forwarded;

    private LossyProxy(WebApplication app, int seed, double dropRate, double delayRate)
    {
        _app = app;
        _random = new Random(seed);
        _dropRate = dropRate;
        _delayRate = delayRate;
    }

    public Uri WebSocketBase { get; private set; } = null!;

    public static async Task<LossyProxy> StartAsync(Uri gatewayWebSocketBase, int seed, double dropRate, double delayRate)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new LossyProxy(app, seed, dropRate, delayRate);
        app.UseWebSockets();
        app.Map("/ws/units", context => proxy.RelayAsync(context, gatewayWebSocketBase));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.WebSocketBase = new Uri(address.Replace("http://", "ws://"));
        return proxy;
    }

    private async Task RelayAsync(HttpContext context, Uri gateway)
    {
        using var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader("Authorization", context.Request.Headers.Authorization.ToString());
        upstream.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        try
        {
            await upstream.ConnectAsync(new Uri(gateway, "/ws/units"), context.RequestAborted);
        }
        catch (WebSocketException)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }
        using var downstream = await context.WebSockets.AcceptWebSocketAsync(ProtocolConstants.SubProtocol);
        await Task.WhenAll(PumpAsync(downstream, upstream), PumpAsync(upstream, downstream));
    }

    private async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = new byte[2 * 1024 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await from.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None) is var r
                        ? new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage, from.CloseStatus, from.CloseStatusDescription)
                        : null!;
                    count += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, CancellationToken.None);
                    return;
                }

                var frame = FrameCodec.Decode(buffer.AsSpan(0, count)).Frame;
                var kind = frame is Deliver or Ack or EventBatch or Request or Reply ? frame.GetType().Name : null;
                double roll;
                lock (_random) roll = _random.NextDouble();
                if (kind is not null && roll < _dropRate)
                {
                    Dropped.AddOrUpdate(kind, 1, (_, n) => n + 1);
                    continue;
                }
                if (kind is not null && roll < _dropRate + _delayRate)
                {
                    Delayed.AddOrUpdate(kind, 1, (_, n) => n + 1);
                    int delay;
                    lock (_random) delay = _random.Next(1, 30);
                    await Task.Delay(delay);
                }
                await to.SendAsync(buffer.AsMemory(0, count), result.MessageType, true, CancellationToken.None);
                Interlocked.Increment(ref _forwarded);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            from.Abort();
            to.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
