using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Transport;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Units.Connection;

public static class UnitSocketEndpoint
{
    public const string Path = "/ws/units";

    /// <summary>
    /// <c>/ws/units</c>: a unit's token at the upgrade, the <c>hgw.v1</c> subprotocol, no foreign
    /// browser origin. The unit id comes from the token, never from the client.
    /// </summary>
    public static IEndpointRouteBuilder MapUnitSocket(this IEndpointRouteBuilder app)
    {
        app.Map(Path, AcceptAsync).RequireAuthorization(Policies.Unit).WithName("UnitSocket").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext context,
        ActorSystem system,
        IRequiredActor<UnitSessionRegion> region,
        IRequiredActor<UnitConnectionsActor> connections,
        IOptions<GatewayOptions> options,
        AuthOptions auth,
        LocalUnitSockets localSockets,
        UnitAttachAdmission admission)
    {
        var settings = options.Value;
        if (!context.WebSockets.IsWebSocketRequest)
            return Problems.BadRequest("WebSocket upgrade required", $"{Path} only accepts WebSocket upgrades.");

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !settings.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            return Problems.Forbidden("Origin not allowed", "Browser origins may not open unit sockets.");

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(ProtocolConstants.SubProtocol))
            return Problems.BadRequest("Subprotocol required", $"Offer the WebSocket subprotocol '{ProtocolConstants.SubProtocol}'.");

        var unitId = context.User.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(unitId) || unitId.Length > ProtocolConstants.MaxIdLength)
            return Problems.Forbidden("Invalid unit identity", "The token's subject is not a valid unit id.");

        // Admission last, after every check that refuses for good, and before the upgrade: a refusal costs no socket.
        if (!admission.TryAdmit(out var wait))
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Attach later",
                "This gateway admits unit attaches at the rate it can serve. Retry after the given time (docs/protocol.md, section 12).",
                Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));

        using var socket = await WebSocketUpgrade.TryAcceptAsync(context, new WebSocketAcceptContext
        {
            SubProtocol = ProtocolConstants.SubProtocol,
            KeepAliveInterval = settings.KeepAliveInterval,
            KeepAliveTimeout = settings.KeepAliveTimeout, // dead peer: no pong within this -> aborted
        });
        if (socket is null) return WebSocketUpgrade.LimitReached();

        // The socket lives as long as the token: the connection closes with 4005 when it expires.
        var expires = context.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MaxValue;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connections.ActorRef.Tell(new UnitConnectionsActor.Open(new UnitConnectionSettings(unitId, socket, region.ActorRef, settings, expires, finished, localSockets) { ClockSkew = auth.ClockSkew }));
        await Task.WhenAny(finished.Task, system.WhenTerminated);
        return Results.Empty;
    }
}
