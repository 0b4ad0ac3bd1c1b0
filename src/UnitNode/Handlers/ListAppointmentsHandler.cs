using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Handlers;

internal sealed class ListAppointmentsHandler(UnitStore store) : IRequestHandler
{
    public string Operation => Operations.ListAppointments;

    public async Task<HandlerResult> HandleAsync(Request request, CancellationToken cancellationToken) =>
        await store.GetAppointmentsAsync(request.PatientId, cancellationToken) is { } list
            ? HandlerResult.Ok(FrameCodec.ToElement(list, ProtocolJsonContext.Default.AppointmentList))
            : HandlerResult.NotFound("patient not found");
}
