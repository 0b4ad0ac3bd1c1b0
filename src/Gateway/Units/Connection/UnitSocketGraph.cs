using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// One unit WebSocket as one Akka.Streams graph (ADR 22): two chains fused into a single interpreter.
/// <code>
/// inbound:  socket -> decode -> [reply? complete its read] -> batch (&lt;= 32) -> connection actor, one ack per batch
/// outbound: bounded queue -> socket, one send at a time
/// </code>
/// Backpressure both ways: while the actor has not acknowledged a batch and the next one is full, the graph
/// stops reading the socket and TCP throttles the unit; a unit that stops reading leaves the send stage
/// waiting, the bounded queue fills and further reads are refused "busy". Nothing is dropped, nothing grows.
/// </summary>
public static class UnitSocketGraph
{
    /// <summary>Frames in one batch handed to the actor; with the one batch in flight, at most twice this waits for it.</summary>
    public const int InboundBatchSize = 32;

    // Made once: the connection-free stages, shared by every connection's graph.
    private static readonly Flow<InboundMessage, UnitSocketInbound.Batch, NotUsed> Batching =
        Flow.Create<InboundMessage>()
            .Batch(InboundBatchSize, first => new List<InboundMessage>(4) { first }, (batch, next) => { batch.Add(next); return batch; })
            .Select(messages => new UnitSocketInbound.Batch(messages));

    // One batch handed to the actor at a time: the sink's own buffer would otherwise hold 16 more.
    private static readonly Attributes OneInFlight = Attributes.CreateInputBuffer(1, 1);

    /// <summary>
    /// Starts the graph of one connection. The actor gets <see cref="UnitSocketInbound.Started"/>, then
    /// <see cref="UnitSocketInbound.Batch"/>es, and must answer each of them with <see cref="UnitSocketInbound.Ack"/>; then
    /// <see cref="UnitSocketInbound.Completed"/> when the unit closes, or <see cref="UnitSocketInbound.Failed"/>.
    /// </summary>
    /// <returns>Completes after the last send, once the outbound queue was completed (the connection closing).</returns>
    public static Task<Done> Run(UnitSocket socket, IActorRef connection, IMaterializer materializer)
    {
        var inbound = Source.UnfoldAsync(socket, ReceiveUnsettledAsync).Via(Batching);
        var toActor = Sink.ActorRefWithAck<UnitSocketInbound.Batch>(connection, UnitSocketInbound.Started.Instance, UnitSocketInbound.Ack.Instance,
            UnitSocketInbound.Completed.Instance, cause => new UnitSocketInbound.Failed(cause)).WithAttributes(OneInFlight);
        var toSocket = Sink.ForEachAsync<Frame>(1, socket.SendAsync);

        // Two chains, one graph: fused into a single interpreter (one actor per connection, not one per direction).
        var graph = RunnableGraph.FromGraph(GraphDsl.Create(toSocket, (builder, intoSocket) =>
        {
            builder.From(builder.Add(inbound)).To(builder.Add(toActor));
            builder.From(builder.Add(ChannelSource.FromReader(socket.Outbound))).To(intoSocket);
            return ClosedShape.Instance;
        }));
        return graph.Run(materializer);
    }

    /// <summary>
    /// The graph's source: the next message the actor must see. A reply that completes its waiting read is settled
    /// here, in the stream, and reading goes on.
    /// </summary>
    private static async Task<Option<(UnitSocket, InboundMessage)>> ReceiveUnsettledAsync(UnitSocket socket)
    {
        while (await socket.ReceiveNextAsync() is { } message)
            if (!socket.TrySettle(message)) return (socket, message);
        return Option<(UnitSocket, InboundMessage)>.None;
    }
}
