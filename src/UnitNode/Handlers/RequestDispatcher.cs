using System.Collections.Frozen;
using HealthGateway.Protocol.Frames;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Handlers;

/// <summary>Routes a <see cref="Request"/> to the handler of its operation and always produces a <see cref="Reply"/>.</summary>
public sealed partial class RequestDispatcher
{
    private readonly FrozenDictionary<string, IRequestHandler> _handlers;
    private readonly UnitIdentity _unit;
    private readonly ILogger<RequestDispatcher> _logger;

    public RequestDispatcher(IEnumerable<IRequestHandler> handlers, UnitIdentity unit, ILogger<RequestDispatcher> logger)
    {
        _handlers = handlers.ToFrozenDictionary(h => h.Operation, StringComparer.Ordinal);
        _unit = unit;
        _logger = logger;
    }

    public async Task<Reply> DispatchAsync(Request request, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(request.Operation, out var handler))
            return new Reply(request.Id, ReplyStatus.Unsupported, Error: $"operation '{request.Operation}' is not supported");
        try
        {
            var result = await handler.HandleAsync(request, cancellationToken);
            return new Reply(request.Id, result.Status, result.Payload, result.Error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Details stay in the unit's log; the gateway (and the patient app) only learn that it failed.
            LogHandlerFailed(_logger, e, _unit.UnitId, request.Id, request.Operation);
            return new Reply(request.Id, ReplyStatus.Error, Error: "the unit could not process the request");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: request {RequestId} ({Operation}) failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string unitId, string requestId, string operation);
}
