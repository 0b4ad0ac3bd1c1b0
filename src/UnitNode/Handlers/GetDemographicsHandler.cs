using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Handlers;

/// <summary><see cref="Operations.GetDemographics"/>: a patient present at this unit, else not found (the unit answers for its own patients only).</summary>
internal sealed class GetDemographicsHandler(UnitStore store) : IRequestHandler
{
    public string Operation => Operations.GetDemographics;

    public async Task<HandlerResult> HandleAsync(Request request, CancellationToken cancellationToken) =>
        await store.GetDemographicsAsync(request.PatientId, cancellationToken) is { } demographics
            ? HandlerResult.Ok(FrameCodec.ToElement(demographics, ProtocolJsonContext.Default.PatientDemographics))
            : HandlerResult.NotFound("patient not found");
}
