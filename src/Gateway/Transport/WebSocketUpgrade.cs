using System.Net.WebSockets;
using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.Transport;

/// <summary>
/// Accepts a WebSocket within Kestrel's <c>Kestrel:Limits:MaxConcurrentUpgradedConnections</c>. Kestrel refuses
/// an upgrade over the limit by throwing before anything is sent; the caller answers that with
/// <see cref="LimitReached"/> (503 + Retry-After) instead of a 500.
/// </summary>
public static class WebSocketUpgrade
{
    public const int RetryAfterSeconds = 5;

    /// <summary>The accepted socket, or null when the server holds its maximum of upgraded connections.</summary>
    public static async Task<WebSocket?> TryAcceptAsync(HttpContext context, WebSocketAcceptContext accept)
    {
        try
        {
            return await context.WebSockets.AcceptWebSocketAsync(accept);
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            // The only way an upgrade of a checked WebSocket request fails before the 101 is the upgrade limit.
            return null;
        }
    }

    public static IResult LimitReached() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "Too many open sockets",
            "The gateway holds its maximum of WebSocket connections. Try again shortly.", RetryAfterSeconds);
}
