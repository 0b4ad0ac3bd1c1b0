using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Journal and snapshot format of the unit session: JSON with short, versioned manifests, so
/// stored data does not depend on .NET type or assembly names and can be read by the next release.
/// </summary>
public sealed class UnitSessionSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4101;

    private const string AttachedManifest = "session.attached.v1";
    private const string ChangesAcceptedManifest = "session.changes-accepted.v1";
    private const string SnapshotManifest = "session.snapshot.v1";
    private const string WriteEnqueuedManifest = "session.write-enqueued.v1";
    private const string WritesSettledManifest = "session.writes-settled.v1";
    private const string DeliveryRebasedManifest = "session.delivery-rebased.v1";

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ConnectionAttached => AttachedManifest,
        UnitChangesAccepted => ChangesAcceptedManifest,
        UnitSessionSnapshot => SnapshotManifest,
        WriteEnqueued => WriteEnqueuedManifest,
        WritesSettled => WritesSettledManifest,
        DeliveryStreamRebased => DeliveryRebasedManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a unit session event", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        ConnectionAttached e => JsonSerializer.SerializeToUtf8Bytes(e, UnitSessionJsonContext.Default.ConnectionAttached),
        UnitChangesAccepted e => JsonSerializer.SerializeToUtf8Bytes(e, UnitSessionJsonContext.Default.UnitChangesAccepted),
        UnitSessionSnapshot s => JsonSerializer.SerializeToUtf8Bytes(s, UnitSessionJsonContext.Default.UnitSessionSnapshot),
        WriteEnqueued e => JsonSerializer.SerializeToUtf8Bytes(e, UnitSessionJsonContext.Default.WriteEnqueued),
        WritesSettled e => JsonSerializer.SerializeToUtf8Bytes(e, UnitSessionJsonContext.Default.WritesSettled),
        DeliveryStreamRebased e => JsonSerializer.SerializeToUtf8Bytes(e, UnitSessionJsonContext.Default.DeliveryStreamRebased),
        _ => throw new ArgumentException($"{obj.GetType()} is not a unit session event", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        AttachedManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.ConnectionAttached)!,
        ChangesAcceptedManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.UnitChangesAccepted)!,
        SnapshotManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.UnitSessionSnapshot)!,
        WriteEnqueuedManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.WriteEnqueued)!,
        WritesSettledManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.WritesSettled)!,
        DeliveryRebasedManifest => JsonSerializer.Deserialize(bytes, UnitSessionJsonContext.Default.DeliveryStreamRebased)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown unit session manifest '{manifest}'"),
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConnectionAttached))]
[JsonSerializable(typeof(UnitChangesAccepted))]
[JsonSerializable(typeof(UnitSessionSnapshot))]
[JsonSerializable(typeof(WriteEnqueued))]
[JsonSerializable(typeof(WritesSettled))]
[JsonSerializable(typeof(DeliveryStreamRebased))]
internal sealed partial class UnitSessionJsonContext : JsonSerializerContext;
