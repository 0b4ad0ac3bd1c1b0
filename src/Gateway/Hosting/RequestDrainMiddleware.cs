using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Hosting;

/// <summary>Counts requests for <see cref="RequestDrain"/> and answers 503 once the node is stopping.</summary>
public static class RequestDrainMiddleware
{
    public static IServiceCollection AddRequestDrain(this IServiceCollection services) => services.AddSingleton<RequestDrain>();

    /// <summary>
    /// Early in the pipeline (after <c>UseWebSockets</c>, which tells unit sockets apart): every request is counted or
    /// refused, health checks included (readiness turns red).
    /// </summary>
    public static IApplicationBuilder UseRequestDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<RequestDrain>();
        return app.Use(async (http, next) =>
        {
            // Unit sockets and event streams live until the node closes them; the drain does not wait for them.
            var longLived = http.WebSockets.IsWebSocketRequest || IsEventStream(http);
            if (!longLived) drain.Enter();
            try
            {
                if (drain.IsDraining)
                {
                    http.Response.Headers.RetryAfter = "1";
                    http.Response.Headers.Connection = "close";
                    await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Gateway node stopping",
                        detail: "This gateway node is shutting down; retry, another node will answer.").ExecuteAsync(http);
                    return;
                }
                await next(http);
            }
            finally
            {
                if (!longLived) drain.Exit();
            }
        });
    }

    /// <summary>An endpoint declared as producing Server-Sent Events. On every request: a loop over cached metadata, no allocation.</summary>
    private static bool IsEventStream(HttpContext http)
    {
        if (http.GetEndpoint() is not { } endpoint) return false;
        foreach (var produces in endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>())
        foreach (var contentType in produces.ContentTypes)
            if (contentType == "text/event-stream") return true;
        return false;
    }

    /// <summary>
    /// The drain runs first in a coordinated shutdown, whatever started it (SIGTERM through the host, or a leave): before
    /// unit sockets are closed (a read in flight still gets its reply) and before the node leaves the cluster.
    /// </summary>
    public static AkkaConfigurationBuilder WithRequestDrain(this AkkaConfigurationBuilder builder, IServiceProvider services) =>
        builder.AddStartup((system, _) =>
        {
            var drain = services.GetRequiredService<RequestDrain>();
            var within = services.GetRequiredService<IOptions<GatewayOptions>>().Value.ShutdownDrainTimeout;
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "drain-http-requests", async () =>
            {
                await drain.DrainAsync(within);
                return Akka.Done.Instance;
            });
        });
}
