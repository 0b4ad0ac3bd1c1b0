using System.Text.Json;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>A hand-driven unit (<see cref="RawUnitClient"/>) that reports changes made at the unit, numbering them itself.</summary>
public sealed class ChangingUnit : IAsyncDisposable
{
    private long _seq;

    private ChangingUnit(RawUnitClient client) => Client = client;

    public RawUnitClient Client { get; }

    /// <summary>Attaches <paramref name="unitId"/> and registers <paramref name="patientIds"/> at it.</summary>
    public static async Task<ChangingUnit> AttachAsync(GatewayNode gateway, string unitId, params string[] patientIds)
    {
        var (client, _) = await RawUnitClient.AttachAsync(gateway.WebSocketBase, gateway.UnitToken(unitId), unitId);
        var unit = new ChangingUnit(client);
        foreach (var patientId in patientIds) await unit.ReportAsync(UnitEventKinds.PatientRegistered, patientId, new { displayName = "Test P." });
        return unit;
    }

    /// <summary>Reports one change and waits until the gateway acknowledged it (it is durable there) without refusing it.</summary>
    public Task ReportAsync(string kind, string patientId, object? payload) =>
        ReportManyAsync(Enumerable.Repeat((kind, patientId, payload), 1));

    public async Task ReportManyAsync(IEnumerable<(string Kind, string PatientId, object? Payload)> changes)
    {
        var events = changes.Select(c =>
        {
            var seq = ++_seq;
            return new UnitEvent(seq, $"ev-{seq}", c.Kind, c.PatientId, DateTimeOffset.UtcNow,
                c.Payload is null ? null : JsonSerializer.SerializeToElement(c.Payload));
        }).ToList();
        await Client.SendAsync(new EventBatch(events));
        while (true)
        {
            var frame = await Client.ReceiveAsync(TimeSpan.FromSeconds(30));
            if (frame is Ack ack && ack.UpToSeq >= _seq)
            {
                Assert.True(ack.Refused is null, $"the gateway refused: {string.Join("; ", ack.Refused?.Select(r => $"{r.Seq} {r.Code} {r.Reason}") ?? [])}");
                return;
            }
            Assert.NotNull(frame);
        }
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
