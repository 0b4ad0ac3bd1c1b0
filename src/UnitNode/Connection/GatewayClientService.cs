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
/// Keeps the unit's one outbound WebSocket to the gateway: connect, run a session, reconnect forever. Where and when
/// to reconnect is <see cref="ReconnectPolicy"/>'s: the next gateway address after any failure, exponential backoff
/// with jitter, or the gateway's retry hint. Stops retrying only when the gateway says the unit id or protocol
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateway = options.Value;
        var policy = new ReconnectPolicy(gateway.UnitsEndpoints, new ReconnectBackoff(gateway.ReconnectMinDelay, gateway.ReconnectMaxDelay),
            gateway.ReconnectMaxDelay, gateway.MaxRetryAfter, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            AttemptOutcome? outcome;
            try
            {
                outcome = await ConnectOnceAsync(gateway, policy.Current, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever broke (the local store, a bug), the unit must keep trying rather than take the host down.
                LogAttemptFailed(logger, e, unit.UnitId);
                status.OnConnectFailed(e.Message, null);
                outcome = new AttemptOutcome(AttemptEnd.Failed);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (stoppingToken.IsCancellationRequested) break;
            if (outcome is null) return; // permanent: wrong unit id or protocol version

            status.OnRetryHint(outcome.RetryAfter);
            var plan = policy.After(outcome);
            if (plan.Hinted) LogReconnectingAsHinted(logger, unit.UnitId, plan.Endpoint, plan.Delay.TotalSeconds, outcome.RetryAfter?.TotalSeconds ?? 0);
            else LogReconnecting(logger, unit.UnitId, plan.Endpoint, plan.Delay.TotalSeconds);
            try
            {
                await Task.Delay(plan.Delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One attempt at <paramref name="endpoint"/>: connect, run the session to its end. Null when the gateway's
    /// close means reconnecting cannot help.</summary>
    private async Task<AttemptOutcome?> ConnectOnceAsync(GatewayOptions gateway, Uri endpoint, CancellationToken stoppingToken)
    {
        status.OnConnecting(endpoint);
        if (!tokens.TryGetToken(out var token, out var tokenError))
        {
            LogNoToken(logger, unit.UnitId, tokenError!);
            status.OnConnectFailed(tokenError!, null);
            return new AttemptOutcome(AttemptEnd.Refused);
        }

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.AddSubProtocol(ProtocolConstants.SubProtocol);
        socket.Options.KeepAliveInterval = gateway.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = gateway.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        var pins = CertificatePins.From(gateway);
        if (pins is not null) socket.Options.RemoteCertificateValidationCallback = pins.Validate;

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
            return new AttemptOutcome(AttemptEnd.Refused);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException
                                      || (e is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            var httpStatus = socket.HttpStatusCode == 0 ? (int?)null : (int)socket.HttpStatusCode;
            if (pins?.Rejection is { } rejection)
            {
                LogCertificateRefused(logger, unit.UnitId, endpoint, rejection);
                status.OnConnectFailed($"certificate refused: {rejection}", null);
                return new AttemptOutcome(AttemptEnd.Failed);
            }
            // 503 + Retry-After: the node admits attaches at the rate it can serve and says when to come back.
            var retryAfter = httpStatus is null ? null : RetryAfterHeader.From(socket.HttpResponseHeaders, time.GetUtcNow());
            if (httpStatus is { } code) LogUpgradeRefused(logger, unit.UnitId, endpoint, code, retryAfter?.TotalSeconds, e.Message);
            else LogConnectFailed(logger, unit.UnitId, endpoint, e.Message);
            status.OnConnectFailed(e.Message, httpStatus);
            return new AttemptOutcome(AttemptEnd.Failed, retryAfter);
        }
        catch (OperationCanceledException)
        {
            return new AttemptOutcome(AttemptEnd.Failed);
        }

        if (socket.SubProtocol != ProtocolConstants.SubProtocol)
        {
            // A gateway that did not pick our protocol version is not one we can talk to.
            LogSubProtocolMissing(logger, unit.UnitId, socket.SubProtocol, ProtocolConstants.SubProtocol);
            socket.Abort();
            status.OnConnectFailed($"gateway did not select subprotocol {ProtocolConstants.SubProtocol}", null);
            return new AttemptOutcome(AttemptEnd.Failed);
        }
        LogConnected(logger, unit.UnitId, endpoint);

        var startedAt = time.GetTimestamp();
        SessionEnd end;
        using (var session = new GatewaySession(socket, gateway, unit, store, outbox, outboxSignal, applier, dispatcher, status, time, logger, metrics))
            end = await session.RunAsync(stoppingToken);
        var lasted = time.GetElapsedTime(startedAt);

        status.OnDisconnected(end.CloseStatus, end.Description, end.Kind == SessionEndKind.ClosedByGateway, end.Error?.Message);
        LogSessionEnded(logger, unit.UnitId, endpoint, end.Kind, end.CloseStatus, end.Description, lasted.TotalSeconds);
        if (!end.IsPermanent)
            return new AttemptOutcome(end.IsGoingAway ? AttemptEnd.GoingAway : AttemptEnd.Failed, end.RetryAfter,
                ResetsBackoff: lasted >= gateway.StableConnectionAfter || end.IsSessionUnavailable);

        LogGivingUp(logger, unit.UnitId, end.CloseStatus, end.Description);
        status.OnStopped($"the gateway closed with {end.CloseStatus} ({end.Description}); not reconnecting until the configuration is fixed");
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit {UnitId}: connected to {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string unitId, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: cannot connect to {Endpoint}: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string unitId, Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: refused the certificate of {Endpoint}: {Reason}")]
    private static partial void LogCertificateRefused(ILogger logger, string unitId, Uri endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: {Endpoint} answered the upgrade with HTTP {HttpStatus} (Retry-After {RetryAfterSeconds} s): {Reason}")]
    private static partial void LogUpgradeRefused(ILogger logger, string unitId, Uri endpoint, int httpStatus, double? retryAfterSeconds, string reason);

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
        Message = "Unit {UnitId}: session with {Endpoint} ended ({Kind}, close {CloseStatus} '{Description}') after {Seconds:0.0} s")]
    private static partial void LogSessionEnded(ILogger logger, string unitId, Uri endpoint, SessionEndKind kind, int? closeStatus, string? description, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit {UnitId}: reconnecting to {Endpoint} in {DelaySeconds:0.0} s")]
    private static partial void LogReconnecting(ILogger logger, string unitId, Uri endpoint, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: reconnecting to {Endpoint} in {DelaySeconds:0.0} s, as the gateway asked (retry after {HintSeconds:0.0} s)")]
    private static partial void LogReconnectingAsHinted(ILogger logger, string unitId, Uri endpoint, double delaySeconds, double hintSeconds);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Unit {UnitId}: the gateway closed with {CloseStatus} ({Description}); fix Unit:Id or upgrade the UnitNode, then restart. Not reconnecting")]
    private static partial void LogGivingUp(ILogger logger, string unitId, int? closeStatus, string? description);
}
