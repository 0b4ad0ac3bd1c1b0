using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Handlers;

/// <summary>Answers one read operation (<see cref="Operation"/>) from the local store.</summary>
public interface IRequestHandler
{
    string Operation { get; }

    Task<HandlerResult> HandleAsync(Request request, CancellationToken cancellationToken);
}
