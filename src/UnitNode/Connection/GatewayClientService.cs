using System.Net;
using System.Net.WebSockets;
using HealthGateway.Protocol;
using HealthGateway.UnitNode.Handlers;
using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Telemetry;
using HealthGateway.UnitNode.Writes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Keeps the unit's one outbound WebSocket to the gateway: connect, run a session, reconnect forever with
/// exponential backoff and full jitter. Stops retrying only when the gateway says the unit id or protocol
/// version is wrong; a refused token (401/403) is retried at the longest delay, since it may be rotated.
/// </summary>
internal sealed partial class GatewayClientService(
    IOptions<GatewayOptions> options,
    UnitIdentity unit,
    UnitStore store,
    OutboxStore outbox,
    OutboxSignal outboxSignal,
    DeliveryApplier applier,
    RequestDispatcher dispatcher,
    GatewayConnectionStatus status,
    BearerTokenSource tokens,
    TimeProvider time,
    ILogger<GatewayClientService> logger,
    UnitNodeMetrics metrics) : BackgroundService
{
    private enum AttemptResult { SessionEnded, ConnectFailed, Refused, Permanent }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateway = options.Value;
        var backoff = new ReconnectBackoff(gateway.ReconnectMinDelay, gateway.ReconnectMaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            AttemptResult result;
            TimeSpan lasted;
            try
            {
                (result, lasted) = await ConnectOnceAsync(gateway, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke (the local store, a bug), the unit must keep trying rather than take the host down.
                LogAttemptFailed(logger, e, unit.UnitId);
                status.OnConnectFailed(e.Message, null);
                (result, lasted) = (AttemptResult.ConnectFailed, TimeSpan.Zero);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (stoppingToken.IsCancellationRequested) break;
            if (result == AttemptResult.Permanent) return;

            if (lasted >= gateway.StableConnectionAfter) backoff.Reset();
            var delay = result == AttemptResult.Refused ? gateway.ReconnectMaxDelay : backoff.Next();
            LogReconnecting(logger, unit.UnitId, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<(AttemptResult Result, TimeSpan Lasted)> ConnectOnceAsync(GatewayOptions gateway, CancellationToken stoppingToken)
    {
        var endpoint = gateway.UnitsEndpoint;
        if (!tokens.TryGetToken(out var token, out var tokenError))
        {
            LogNoToken(logger, unit.UnitId, tokenError!);
            status.OnConnectFailed(tokenError!, null);
            return (AttemptResult.Refused, TimeSpan.Zero);
        }

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        socket.Options.KeepAliveInterval = gateway.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = gateway.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        var pins = CertificatePins.From(gateway);
        if (pins is not null) socket.Options.RemoteCertificateValidationCallback = pins.Validate;

        status.OnConnecting();
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            connectTimeout.CancelAfter(gateway.ConnectTimeout);
            await socket.ConnectAsync(endpoint, connectTimeout.Token);
        }
        catch (Exception) when (socket.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var code = (int)socket.HttpStatusCode;
            LogTokenRefused(logger, unit.UnitId, code, endpoint, gateway.ReconnectMaxDelay.TotalSeconds);
            status.OnConnectFailed($"the gateway refused the unit token (HTTP {code})", code);
            return (AttemptResult.Refused, TimeSpan.Zero);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException
                                      || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            var httpStatus = socket.HttpStatusCode == 0 ? (int?)null : (int)socket.HttpStatusCode;
            if (pins?.Rejection is { } rejection)
            {
                LogCertificateRefused(logger, unit.UnitId, endpoint, rejection);
                status.OnConnectFailed($"certificate refused: {rejection}", null);
                return (AttemptResult.ConnectFailed, TimeSpan.Zero);
            }
            if (httpStatus is { } code) LogUpgradeRefused(logger, unit.UnitId, endpoint, code, e.Message);
            else LogConnectFailed(logger, unit.UnitId, endpoint, e.Message);
            status.OnConnectFailed(e.Message, httpStatus);
            return (AttemptResult.ConnectFailed, TimeSpan.Zero);
        }
        catch (OperationCanceledException)
        {
            return (AttemptResult.ConnectFailed, TimeSpan.Zero);
        }

        if (socket.SubProtocol != ProtocolConstants.SubProtocol)
        {
            // A gateway that did not pick our protocol version is not one we can talk to.
            LogSubProtocolMissing(logger, unit.UnitId, socket.SubProtocol, ProtocolConstants.SubProtocol);
            socket.Abort();
            status.OnConnectFailed($"gateway did not select subprotocol {ProtocolConstants.SubProtocol}", null);
            return (AttemptResult.ConnectFailed, TimeSpan.Zero);
        }
        LogConnected(logger, unit.UnitId, endpoint);

        var startedAt = time.GetTimestamp();
        SessionEnd end;
        using (var session = new GatewaySession(socket, gateway, unit, store, outbox, outboxSignal, applier, dispatcher, status, time, logger, metrics))
            end = await session.RunAsync(stoppingToken);
        var lasted = time.GetElapsedTime(startedAt);

        status.OnDisconnected(end.CloseStatus, end.Description, end.Kind == SessionEndKind.ClosedByGateway, end.Error?.Message);
        LogSessionEnded(logger, unit.UnitId, end.Kind, end.CloseStatus, end.Description, lasted.TotalSeconds);
        if (!end.IsPermanent) return (AttemptResult.SessionEnded, lasted);

        LogGivingUp(logger, unit.UnitId, end.CloseStatus, end.Description);
        status.OnStopped($"the gateway closed with {end.CloseStatus} ({end.Description}); not reconnecting until the configuration is fixed");
        return (AttemptResult.Permanent, lasted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit {UnitId}: connected to {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string unitId, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: cannot connect to {Endpoint}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string unitId, Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: refused the certificate of {Endpoint}: {Reason}")]
    private static partial void LogCertificateRefused(ILogger logger, string unitId, Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: {Endpoint} answered the upgrade with HTTP {HttpStatus}: {Reason}")]
    private static partial void LogUpgradeRefused(ILogger logger, string unitId, Uri endpoint, int httpStatus, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: connection attempt failed unexpectedly")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string unitId);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Unit {UnitId}: the gateway at {Endpoint} refused the unit token (HTTP {HttpStatus}); check Gateway:Token/TokenFile. Retrying every {DelaySeconds} s")]
    private static partial void LogTokenRefused(ILogger logger, string unitId, int httpStatus, Uri endpoint, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: no token to connect with: {Reason}")]
    private static partial void LogNoToken(ILogger logger, string unitId, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unit {UnitId}: the gateway chose subprotocol '{Chosen}' instead of '{Expected}'; disconnecting")]
    private static partial void LogSubProtocolMissing(ILogger logger, string unitId, string? chosen, string expected);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: session ended ({Kind}, close {CloseStatus} '{Description}') after {Seconds:0.0} s")]
    private static partial void LogSessionEnded(ILogger logger, string unitId, SessionEndKind kind, int? closeStatus, string? description, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit {UnitId}: reconnecting in {DelaySeconds:0.0} s")]
    private static partial void LogReconnecting(ILogger logger, string unitId, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Unit {UnitId}: the gateway closed with {CloseStatus} ({Description}); fix Unit:Id or upgrade the UnitNode, then restart. Not reconnecting")]
    private static partial void LogGivingUp(ILogger logger, string unitId, int? closeStatus, string? description);
}
