using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;

namespace HealthGateway.Gateway.Ops;

/// <summary><c>GET /api/v1/ops/events</c>: server-sent events until the client goes away.</summary>
public static class OpsEventStream
{
    /// <summary>Events buffered for a slow reader before the oldest are dropped.</summary>
    private const int Buffer = 1_000;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task WriteAsync(HttpContext http, ActorSystem system)
    {
        var channel = Channel.CreateBounded<OpsEvent>(new BoundedChannelOptions(Buffer)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        var subscriber = system.ActorOf(OpsEventSubscriber.Props(channel.Writer));
        try
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            await WriteRawAsync(http, ": subscribed\n\n");

            var ct = http.RequestAborted;
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await channel.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await WriteRawAsync(http, ": keep-alive\n\n"); // proxies close idle streams
                    continue;
                }
                if (!more) break;
                while (channel.Reader.TryRead(out var e))
                {
                    var json = JsonSerializer.Serialize(e, OpsJsonContext.Default.OpsEvent);
                    await WriteRawAsync(http, $"event: {e.Type}\ndata: {json}\n\n");
                }
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
        finally
        {
            subscriber.Tell(PoisonPill.Instance);
        }
    }

    private static async Task WriteRawAsync(HttpContext http, string text)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
