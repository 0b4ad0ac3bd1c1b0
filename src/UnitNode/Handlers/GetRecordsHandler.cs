using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Handlers;

internal sealed class GetRecordsHandler(UnitStore store) : IRequestHandler
{
    public string Operation => Operations.GetRecords;

    public async Task<HandlerResult> HandleAsync(Request request, CancellationToken cancellationToken) =>
        await store.GetMedicalRecordAsync(request.PatientId, cancellationToken) is { } record
            ? HandlerResult.Ok(FrameCodec.ToElement(record, ProtocolJsonContext.Default.MedicalRecord))
            : HandlerResult.NotFound("patient not found");
}
