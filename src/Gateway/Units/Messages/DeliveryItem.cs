namespace HealthGateway.Gateway.Units.Messages;

/// <summary>One write on its way to the unit (cluster-safe: the payload is raw JSON text).</summary>
public sealed record DeliveryItem(
    long Seq,
    string MessageId,
    string Operation,
    string PatientId,
    DateTimeOffset ExpiresAt,
    string PayloadJson,
    string? CorrelationId,
    long PrevSeq,
    string? TraceParent = null);
