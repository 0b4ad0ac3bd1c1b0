using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// A question a feature asks a session (routed by unit id), answered from a look at it: the feature that asks defines
/// the answer's shape (e.g. ops' report), so the session needs to know nothing of it.
/// </summary>
public interface IUnitSessionQuery : IWithUnitId
{
    object Answer(IUnitSessionView session);
}
