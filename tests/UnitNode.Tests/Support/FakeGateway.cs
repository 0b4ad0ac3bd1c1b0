using System.Threading.Channels;
using HealthGateway.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Tests.Support;

/// <summary>
/// A scripted stand-in for the gateway's unit endpoint: real Kestrel on 127.0.0.1, port 0. Each accepted
/// socket is handed to the test as a <see cref="FakeGatewayConnection"/>.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly Channel<FakeGatewayConnection> _accepted = Channel.CreateUnbounded<FakeGatewayConnection>();
    private readonly List<FakeGatewayConnection> _all = [];

    private FakeGateway(WebApplication app) => _app = app;

    /// <summary>When set, the upgrade is answered with this HTTP status (e.g. 401) instead of a socket.</summary>
    public int? RejectUpgradeWith { get; set; }

    /// <summary>With <see cref="RejectUpgradeWith"/>: the <c>Retry-After</c> header of the refusal (e.g. "1").</summary>
    public string? RetryAfter { get; set; }

    public int UpgradeAttempts => Volatile.Read(ref _upgradeAttempts);
    private int _upgradeAttempts;

    /// <summary>When each upgrade request arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamps), oldest first.</summary>
    public IReadOnlyList<long> AttemptTimestamps
    {
        get { lock (_attemptTimestamps) return [.. _attemptTimestamps]; }
    }
    private readonly List<long> _attemptTimestamps = [];

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new FakeGateway(app);
        app.UseWebSockets();
        app.Map("/ws/units", gateway.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.BaseUrl = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return gateway;
    }

    public async Task<FakeGatewayConnection> AcceptAsync() =>
        await _accepted.Reader.ReadAsync().AsTask().WaitAsync(AcceptTimeout);

    private async Task HandleAsync(HttpContext context)
    {
        lock (_attemptTimestamps) _attemptTimestamps.Add(System.Diagnostics.Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _upgradeAttempts);
        if (RejectUpgradeWith is { } status)
        {
            context.Response.StatusCode = status;
            if (RetryAfter is { } retryAfter) context.Response.Headers.RetryAfter = retryAfter;
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var subProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains(ProtocolConstants.SubProtocol)
            ? ProtocolConstants.SubProtocol
            : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(subProtocol);
        var connection = new FakeGatewayConnection(context, socket, context.Request.Headers.Authorization.ToString(), subProtocol);
        lock (_all) _all.Add(connection);
        _accepted.Writer.TryWrite(connection);
        // Kestrel keeps the socket only while this handler runs.
        await connection.Finished;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_all)
            foreach (var connection in _all) connection.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
