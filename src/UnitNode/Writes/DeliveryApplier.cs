using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Writes;

/// <summary>
/// Applies the gateway's durable writes exactly once: the change, its outbox event, the applied_messages row and
/// last_applied_seq commit in ONE transaction, so a crash leaves either all of them or none. A message id seen
/// before returns its stored outcome and changes nothing. Callers apply deliveries one at a time, in seq order.
/// </summary>
public sealed partial class DeliveryApplier(
    UnitDatabase database,
    OutboxSignal outboxSignal,
    TimeProvider timeProvider,
    UnitIdentity unit,
    ILogger<DeliveryApplier> logger)
{
    /// <exception cref="SqliteException">The store failed (disk, lock): nothing was recorded; deliver again later.</exception>
    /// <summary>
    /// True when the write before this one (its <c>prevSeq</c>) was never applied: a delivery was lost on the
    /// way, and applying this one would break the order. Nothing is done; the gateway resends both.
    /// </summary>
    public bool IsMissingPredecessor(Deliver delivery)
    {
        if (delivery.PrevSeq is not { } previous) return false;
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var lastApplied = UnitState.ReadLastAppliedSeq(connection, transaction);
        return previous > lastApplied && delivery.Seq > lastApplied;
    }

    public DeliveryApplication Apply(Deliver delivery)
    {
        try
        {
            return ApplyInTransaction(delivery, failure: null);
        }
        catch (Exception e) when (e is not SqliteException)
        {
            // A bug or unexpected data: the transaction rolled back. Record the failure as the outcome so the
            // same message cannot wedge the unit's queue forever; the gateway reports it as rejected.
            LogApplyFailed(logger, e, unit.UnitId, delivery.MessageId, delivery.Operation, delivery.Seq);
            return ApplyInTransaction(delivery, failure: RejectionReasons.InternalError);
        }
    }

    private DeliveryApplication ApplyInTransaction(Deliver delivery, string? failure)
    {
        var now = timeProvider.GetUtcNow();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();

        var lastApplied = UnitState.ReadLastAppliedSeq(connection, transaction);
        var stored = FindOutcome(connection, transaction, delivery);
        if (stored is not null)
        {
            UnitState.RaiseLastAppliedSeq(connection, transaction, delivery.Seq);
            transaction.Commit();
            return new DeliveryApplication(stored, Math.Max(lastApplied, delivery.Seq), WasDuplicate: true, SkippedFromSeq: null);
        }

        OutcomeStatus status;
        WriteResult result;
        if (delivery.Seq <= lastApplied)
            (status, result) = (OutcomeStatus.Rejected, WriteResult.Rejected(RejectionReasons.OutOfOrder));
        else if (failure is not null)
            (status, result) = (OutcomeStatus.Rejected, WriteResult.Rejected(failure));
        else if (now > delivery.ExpiresAt)
            (status, result) = (OutcomeStatus.Expired, WriteResult.Rejected(RejectionReasons.Expired));
        else if (!UnitStore.IsPresent(connection, transaction, delivery.PatientId))
            (status, result) = (OutcomeStatus.Rejected, WriteResult.Rejected(RejectionReasons.PatientNotFound));
        else
        {
            result = Execute(new WriteContext(connection, transaction, delivery.MessageId, delivery.PatientId, now), delivery);
            status = result.Applied ? OutcomeStatus.Applied : OutcomeStatus.Rejected;
        }

        var outcome = new DeliveryOutcome(delivery.Seq, delivery.MessageId, status, result.Result, result.Reason);
        RecordOutcome(connection, transaction, delivery, outcome, now);
        var newLastApplied = Math.Max(lastApplied, delivery.Seq);
        UnitState.RaiseLastAppliedSeq(connection, transaction, newLastApplied);
        transaction.Commit();

        if (result.Applied) outboxSignal.NotifyAppended();
        long? skippedFrom = delivery.Seq > lastApplied + 1 ? lastApplied + 1 : null;
        return new DeliveryApplication(outcome, newLastApplied, WasDuplicate: false, skippedFrom);
    }

    private static WriteResult Execute(WriteContext context, Deliver delivery) => delivery.Operation switch
    {
        Operations.BookAppointment => WithPayload(delivery, ProtocolJsonContext.Default.BookAppointment,
            booking => AppointmentWrites.Book(context, booking)),
        Operations.RescheduleAppointment => WithPayload(delivery, ProtocolJsonContext.Default.RescheduleAppointment,
            change => AppointmentWrites.Reschedule(context, change)),
        Operations.CancelAppointment => WithPayload(delivery, ProtocolJsonContext.Default.CancelAppointment,
            cancellation => AppointmentWrites.Cancel(context, cancellation)),
        Operations.PayInvoice => WithPayload(delivery, ProtocolJsonContext.Default.PayInvoice,
            payment => InvoiceWrites.Pay(context, payment)),
        _ => WriteResult.Rejected(RejectionReasons.UnsupportedOperation),
    };

    private static WriteResult WithPayload<T>(Deliver delivery, JsonTypeInfo<T> typeInfo, Func<T, WriteResult> write) where T : class
    {
        var payload = FrameCodec.FromElement(delivery.Payload, typeInfo, out var error);
        return payload is null ? WriteResult.Rejected(RejectionReasons.InvalidPayload, error) : write(payload);
    }

    private static DeliveryOutcome? FindOutcome(SqliteConnection connection, SqliteTransaction transaction, Deliver delivery)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT status, result, reason FROM applied_messages WHERE message_id = $id;";
        command.Parameters.AddWithValue("$id", delivery.MessageId);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        JsonElement? result = reader.IsDBNull(1) ? null : ParseJson(reader.GetString(1));
        // The seq is the one just delivered, so the ack's outcome matches the frame the gateway sent.
        return new DeliveryOutcome(delivery.Seq, delivery.MessageId, StoredValues.OutcomeStatusFromText(reader.GetString(0)),
            result, reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private static void RecordOutcome(SqliteConnection connection, SqliteTransaction transaction, Deliver delivery,
        DeliveryOutcome outcome, DateTimeOffset now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO applied_messages(message_id, seq, operation, status, result, reason, applied_at)
            VALUES ($id, $seq, $operation, $status, $result, $reason, $now);
            """;
        command.Parameters.AddWithValue("$id", delivery.MessageId);
        command.Parameters.AddWithValue("$seq", delivery.Seq);
        command.Parameters.AddWithValue("$operation", delivery.Operation);
        command.Parameters.AddWithValue("$status", StoredValues.ToText(outcome.Status));
        command.Parameters.AddWithValue("$result", outcome.Result is { } r ? r.GetRawText() : DBNull.Value);
        command.Parameters.AddWithValue("$reason", (object?)outcome.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", StoredValues.ToUnixMs(now));
        command.ExecuteNonQuery();
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Unit {UnitId}: applying message {MessageId} ({Operation}, seq {Seq}) failed; recording it as rejected")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string unitId, string messageId, string operation, long seq);
}
