using System.Net;
using System.Text;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// docs/protocol.md, section 6, on the session path: the caller's node holds no socket for the unit, so the read
/// and the unit's answer cross the cluster. The HTTP answer must be the same as on the unit's own node.
/// </summary>
public sealed class ReplyStatusAcrossNodesTests(TwoGatewayCluster cluster) : IClassFixture<TwoGatewayCluster>
{
    private GatewayNode NodeA => cluster.NodeA;
    private GatewayNode NodeB => cluster.NodeB;

    /// <summary>A raw unit on node A holding one patient; the read is asked on node B and has reached the unit.</summary>
    private async Task<(RawUnitClient Unit, Request Request, Task<HttpResponseMessage> Response)> ReadThroughNodeBAsync(string unitId, string patientId)
    {
        var (unit, _) = await RawUnitClient.AttachAsync(NodeA.WebSocketBase, NodeA.UnitToken(unitId), unitId);
        await unit.SendAsync(new EventBatch([TestEvents.Registered(1, patientId)]));
        Assert.Equal(1, Assert.IsType<Ack>(await unit.ReceiveAsync()).UpToSeq);

        var response = NodeB.GetAsync($"/api/v1/patients/{patientId}/records", NodeB.PatientToken(patientId));
        var request = Assert.IsType<Request>(await unit.ReceiveAsync());
        return (unit, request, response);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unsupported_from_a_unit_on_another_node_is_501()
    {
        var (unit, request, response) = await ReadThroughNodeBAsync("unit-x-uns", "p-x-uns");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Unsupported, Error: "no records here"));

        await AssertProblemAsync(await response, HttpStatusCode.NotImplemented, "Read not offered by the unit");
    }

    [Fact]
    public async Task An_undecodable_reply_from_a_unit_on_another_node_is_502_not_unit_offline()
    {
        var (unit, request, response) = await ReadThroughNodeBAsync("unit-x-bad", "p-x-bad");
        await using var _ = unit;
        await unit.SendRawAsync(Encoding.UTF8.GetBytes($$"""{"type":"reply","id":"{{request.Id}}","status":"ok","payload":{"patientId":"""));

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.BadGateway, "Invalid answer from the unit");
        Assert.Null(answer.Headers.RetryAfter);
        var (last, close) = await unit.ReceiveLastFrameAndCloseAsync();
        Assert.Equal(ErrorCodes.MalformedJson, Assert.IsType<ErrorFrame>(last).Code);
        Assert.Equal(CloseCodes.InvalidFrame, close);
    }
}
