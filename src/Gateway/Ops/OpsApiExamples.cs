using System.Text.Json;
using System.Text.Json.Nodes;
using HealthGateway.Gateway.Http.OpenApi;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Ops;

/// <summary>Examples of the ops endpoints (see <see cref="ApiExamples"/>).</summary>
public static class OpsApiExamples
{
    private const string Node1 = "akka.tcp://gateway@10.0.0.11:4053";
    private const string Node2 = "akka.tcp://gateway@10.0.0.12:4053";
    private static readonly DateTimeOffset At = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly OpsJsonContext Json = OpsJsonContext.Default;

    private static readonly UnitSummary Unit = new("unit-1", true, Node2, At, At.AddMinutes(42), "1", "unitnode/1.4.0", 3, 1.8, 1204, 377,
        new OperationCounts(2, 1, 1190, 9, 2));

    public static readonly IReadOnlyDictionary<string, ApiExample> All = new Dictionary<string, ApiExample>
    {
        [OpsEndpointNames.Cluster] = new(null, "200", ApiExample.Node(new ClusterView(Node1, Node1,
            [new MemberView(Node1, ["gateway"], "Up", true, 1), new MemberView(Node2, ["gateway"], "Up", true, 2)], []), Json.ClusterView)),
        [OpsEndpointNames.Leave] = new(ApiExample.Node(new MemberAddressRequest(Node2), Json.MemberAddressRequest), "202",
            ApiExample.Node(new MemberActionResult(Node2, "leave"), Json.MemberActionResult)),
        [OpsEndpointNames.Down] = new(ApiExample.Node(new MemberAddressRequest(Node2), Json.MemberAddressRequest), "202",
            ApiExample.Node(new MemberActionResult(Node2, "down"), Json.MemberActionResult)),
        [OpsEndpointNames.DownUnreachable] = new(null, "200", ApiExample.Node(new DownedMembers([Node2]), Json.DownedMembers)),
        [OpsEndpointNames.Regions] = new(null, "200", ApiExample.Node<IReadOnlyList<ShardRegionView>>(
            [new ShardRegionView("unit-session", Node1, 12, 240), new ShardRegionView("unit-session", Node2, 13, 261)], Json.IReadOnlyListShardRegionView)),
        [OpsEndpointNames.RegionStats] = new(null, "200", ApiExample.Node<IReadOnlyList<ShardRegionStatsView>>(
            [new ShardRegionStatsView("unit-session", Node1, new Dictionary<string, int> { ["3"] = 21, ["7"] = 19 })], Json.IReadOnlyListShardRegionStatsView)),
        [OpsEndpointNames.Units] = new(null, "200", ApiExample.Node<IReadOnlyList<UnitSummary>>([Unit], Json.IReadOnlyListUnitSummary)),
        [OpsEndpointNames.Unit] = new(null, "200", ApiExample.Node(UnitDetail.From(Unit, Node1, "17"), Json.UnitDetail)),
        [OpsEndpointNames.UnitResync] = new(null, "200", ApiExample.Node(new DeliveriesResynced("unit-1",
            new DeliveryStreamMismatch(DeliveryStreamMismatch.UnitBehind, 1180, 1190, 1193, 10,
                ["0c4e9b2f1d7a4c1f8e3b5a6d7c8e9f02.unit-1", "1d7a9b2f0c4e4c1f8e3b5a6d7c8e9f03.unit-1"], At), 0, 3, At.AddMinutes(5), "admin:ops-alice"),
            Json.DeliveriesResynced)),
        // As an admin without a grant for unit-1 sees it: the patient fields are withheld.
        [OpsEndpointNames.Operation] = new(null, "200", ApiExample.Node(new OpsOperationView("9b2f0c4e1d7a4c1f8e3b5a6d7c8e9f01.unit-1",
            OperationStatus.Delivered, Protocol.Operations.BookAppointment, "unit-1", At, At.AddDays(7), null, "patient", null, null, null, null,
            [OpsOperationView.Fields.PatientId, OpsOperationView.Fields.RequestedBy]), Json.OpsOperationView)),
        [OpsEndpointNames.Events] = new(null, "200", JsonValue.Create(
            $"event: unit-connected\ndata: {JsonSerializer.Serialize(new OpsEvent(OpsEventTypes.UnitConnected, At, UnitId: "unit-1", Node: Node2, Detail: "epoch 4, software unitnode/1.4.0"), Json.OpsEvent)}\n\n")),
        [OpsEndpointNames.TransferPatient] = new(ApiExample.Node(new PatientTransferRequest("unit-2", "moved to the cardiology clinic"), Json.PatientTransferRequest),
            "200", ApiExample.Node(new PatientTransferResult("p-gx5kp3j2v7ab", "unit-1", "unit-2"), Json.PatientTransferResult)),
        [OpsMetricsEndpoints.Name] = OpsMetricsEndpoints.Example,
    };
}
