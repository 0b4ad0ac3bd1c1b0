using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Handlers;

internal sealed class ListInvoicesHandler(UnitStore store) : IRequestHandler
{
    public string Operation => Operations.ListInvoices;

    public async Task<HandlerResult> HandleAsync(Request request, CancellationToken cancellationToken) =>
        await store.GetInvoicesAsync(request.PatientId, cancellationToken) is { } list
            ? HandlerResult.Ok(FrameCodec.ToElement(list, ProtocolJsonContext.Default.InvoiceList))
            : HandlerResult.NotFound("patient not found");
}
