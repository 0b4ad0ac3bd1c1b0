using System.Net;
using System.Text;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// ADR 23, bytes once: an <c>/api/v1</c> read writes the unit's payload bytes to the caller as they came when they hold
/// exactly what the contract check saw. A hostile unit's crafted reply is refused (502) when it is ambiguous or names
/// another patient, and re-serialized from the checked value when it holds more than the contract: either way the caller
/// never sees what the check did not. The unit is a hand-made one on a real WebSocket sending exactly the bytes below;
/// the caller is a real HTTP client.
/// </summary>
public sealed class HostileReplyTests(OneGatewayNode fixture) : IClassFixture<OneGatewayNode>
{
    private GatewayNode Gateway => fixture.Node;

    /// <summary>A unit holding one patient; the caller's read has reached the unit.</summary>
    private async Task<(RawUnitClient Unit, Request Request, Task<HttpResponseMessage> Response)> ReadAsync(string name, string path = "appointments")
    {
        var unitId = $"unit-hostile-{name}";
        var patientId = $"p-hostile-{name}";
        var (unit, _) = await RawUnitClient.AttachAsync(Gateway.WebSocketBase, Gateway.UnitToken(unitId), unitId);
        await unit.SendAsync(new EventBatch([TestEvents.Registered(1, patientId)]));
        Assert.Equal(1, Assert.IsType<Ack>(await unit.ReceiveAsync()).UpToSeq);

        var response = Gateway.GetAsync($"/api/v1/patients/{patientId}/{path}", Gateway.PatientToken(patientId));
        var request = Assert.IsType<Request>(await unit.ReceiveAsync());
        return (unit, request, response);
    }

    private static byte[] ReplyFrame(Request request, string payload) =>
        Encoding.UTF8.GetBytes($$"""{"type":"reply","id":"{{request.Id}}","status":"ok","payload":{{payload}}}""");

    private static async Task AssertRefusedAsync(HttpResponseMessage answer, params string[] unseen)
    {
        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var body = await answer.Content.ReadAsStringAsync();
        foreach (var text in unseen) Assert.DoesNotContain(text, body);
    }

    [Fact]
    public async Task A_reply_that_fits_the_contract_reaches_the_caller_byte_for_byte()
    {
        var (unit, request, response) = await ReadAsync("verbatim");
        await using var _ = unit;
        // Valid, but not how the gateway's serializer would write it (spacing, an escaped character): what arrives shows
        // whether the bytes were passed on or re-serialized.
        var payload = $$"""{ "patientId" : "{{request.PatientId}}", "appointments" : [ {"id":"a-1","patientId":"{{request.PatientId}}","startsAt":"2026-12-24T09:30:00+00:00","durationMinutes":30,"clinician":"Dr. \u0047rey","reason":"Check-up","status":"booked"} ] }""";
        await unit.SendRawAsync(ReplyFrame(request, payload));

        var answer = await response;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(payload, await answer.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string, string?> Refused => new()
    {
        // name, payload ({P}: the caller's patient), text the caller must not see
        { "duplicate-after", """{"patientId":"{P}","appointments":[],"patientId":"someone-else"}""", "someone-else" },
        { "duplicate-before", """{"patientId":"someone-else","patientId":"{P}","appointments":[]}""", "someone-else" },
        { "duplicate-nested", """{"patientId":"{P}","appointments":[{"id":"a-1","patientId":"{P}","patientId":"someone-else","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}]}""", "someone-else" },
        { "casing", """{"PatientId":"{P}","appointments":[]}""", null },
        { "other-patient", """{"patientId":"someone-else","appointments":[]}""", "someone-else" },
        { "other-patient-inside", """{"patientId":"{P}","appointments":[{"id":"a-1","patientId":"someone-else","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked"}]}""", "someone-else" },
        { "not-an-object", "[]", null },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_ambiguous_reply_or_one_naming_another_patient_is_502_and_shows_none_of_it(string name, string payload, string? unseen)
    {
        var (unit, request, response) = await ReadAsync(name);
        await using var _ = unit;
        await unit.SendRawAsync(ReplyFrame(request, payload.Replace("{P}", request.PatientId)));

        await AssertRefusedAsync(await response, unseen is null ? [] : [unseen]);
    }

    public static TheoryData<string, string, string> BeyondTheContract => new()
    {
        // name, payload ({P}: the caller's patient), text the caller must not see
        { "unknown-member", """{"patientId":"{P}","appointments":[],"note":"smuggled-text"}""", "smuggled-text" },
        { "unknown-nested", """{"patientId":"{P}","appointments":[{"id":"a-1","patientId":"{P}","startsAt":"2026-12-24T09:30:00Z","durationMinutes":30,"clinician":"c","reason":"r","status":"booked","ssn":"smuggled-ssn"}]}""", "smuggled-ssn" },
        { "casing-twin", """{"patientId":"{P}","PatientId":"someone-else","appointments":[]}""", "someone-else" },
    };

    [Theory]
    [MemberData(nameof(BeyondTheContract))]
    public async Task A_reply_holding_more_than_the_contract_reaches_the_caller_as_the_checked_value_only(string name, string payload, string unseen)
    {
        var (unit, request, response) = await ReadAsync(name);
        await using var _ = unit;
        await unit.SendRawAsync(ReplyFrame(request, payload.Replace("{P}", request.PatientId)));

        var answer = await response;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.DoesNotContain(unseen, body);
        var list = System.Text.Json.JsonSerializer.Deserialize(body, HealthGateway.Protocol.Codec.ProtocolJsonContext.Default.AppointmentList);
        Assert.Equal(request.PatientId, list!.PatientId);
    }

    [Theory]
    [InlineData("trailing-value", "{\"patientId\":\"{P}\",\"appointments\":[]}} {\"patientId\":\"someone-else\"}")]
    [InlineData("comment", "{\"patientId\":\"{P}\",\"appointments\":[] /* someone-else */}}")]
    [InlineData("trailing-comma", "{\"patientId\":\"{P}\",\"appointments\":[],}}")]
    public async Task A_reply_frame_with_trailing_content_or_non_json_is_502_and_the_unit_is_closed(string name, string tail)
    {
        var (unit, request, response) = await ReadAsync(name);
        await using var _ = unit;
        var frame = $$"""{"type":"reply","id":"{{request.Id}}","status":"ok","payload":""" + tail.Replace("{P}", request.PatientId);
        await unit.SendRawAsync(Encoding.UTF8.GetBytes(frame));

        await AssertRefusedAsync(await response, "someone-else");
        Assert.NotNull(await unit.ReceiveCloseAsync());
    }
}
