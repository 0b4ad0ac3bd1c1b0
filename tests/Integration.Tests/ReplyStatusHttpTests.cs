using System.Net;
using System.Text;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// docs/protocol.md, section 6: what the API caller gets for each way a unit answers a read. The unit is a hand-made
/// one on a real WebSocket (it answers exactly what the test tells it to); the caller is a real HTTP client.
/// </summary>
public sealed class ReplyStatusHttpTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>A unit holding one patient; the caller's read is sent and the unit has received its request.</summary>
    private async Task<(RawUnitClient Unit, Request Request, Task<HttpResponseMessage> Response)> ReadAsync(string unitId, string patientId, string path)
    {
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId), unitId);
        await unit.SendAsync(new EventBatch([new UnitEvent(1, $"ev-{patientId}", UnitEventKinds.PatientRegistered, patientId, DateTimeOffset.UtcNow,
            FrameCodec.ToElement(new PatientRegistered("Ada L."), ProtocolJsonContext.Default.PatientRegistered))]));
        Assert.Equal(1, Assert.IsType<Ack>(await unit.ReceiveAsync()).UpToSeq);

        var response = _gateway.GetAsync($"/api/v1/patients/{patientId}/{path}", _gateway.PatientToken(patientId));
        var request = Assert.IsType<Request>(await unit.ReceiveAsync());
        Assert.Equal(patientId, request.PatientId);
        return (unit, request, response);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        return problem.RootElement.Clone();
    }

    [Fact]
    public async Task Ok_with_a_payload_that_fits_the_contract_is_200()
    {
        var (unit, request, response) = await ReadAsync("unit-h-ok", "p-h-ok", "invoices");
        await using var _ = unit;
        var invoices = new InvoiceList("p-h-ok", [new Invoice("inv-1", "p-h-ok", new DateOnly(2026, 11, 20), 4500, "EUR", "Consultation", InvoiceStatus.Open)]);
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, FrameCodec.ToElement(invoices, ProtocolJsonContext.Default.InvoiceList)));

        var answer = await response;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(invoices.Invoices, JsonSerializer.Deserialize(await answer.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.InvoiceList)!.Invoices);
    }

    [Fact]
    public async Task Ok_whose_payload_breaks_the_contract_is_502()
    {
        var (unit, request, response) = await ReadAsync("unit-h-bad", "p-h-bad", "records");
        await using var _ = unit;
        using var payload = JsonDocument.Parse("""{"patientId":"p-h-bad","allergies":"not a list"}""");
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, payload.RootElement.Clone()));

        await AssertProblemAsync(await response, HttpStatusCode.BadGateway, "Invalid answer from the unit");
    }

    [Fact]
    public async Task Ok_without_a_payload_is_502()
    {
        var (unit, request, response) = await ReadAsync("unit-h-empty", "p-h-empty", "appointments");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok));

        await AssertProblemAsync(await response, HttpStatusCode.BadGateway, "Invalid answer from the unit");
    }

    [Fact]
    public async Task Ok_with_another_patients_data_is_502_and_shows_none_of_it()
    {
        var (unit, request, response) = await ReadAsync("unit-h-other", "p-h-other", "appointments");
        await using var _ = unit;
        var someoneElse = new AppointmentList("p-h-someone-else", [new Appointment("a-9", "p-h-someone-else", DateTimeOffset.UtcNow.AddDays(1), 30, "Dr. Grey", "Secret", AppointmentStatus.Booked)]);
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Ok, FrameCodec.ToElement(someoneElse, ProtocolJsonContext.Default.AppointmentList)));

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.BadGateway, "Invalid answer from the unit");
        Assert.DoesNotContain("p-h-someone-else", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Not_found_is_404()
    {
        var (unit, request, response) = await ReadAsync("unit-h-nf", "p-h-nf", "appointments");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.NotFound, Error: "no such patient here"));

        await AssertProblemAsync(await response, HttpStatusCode.NotFound, "Patient not found");
    }

    [Fact]
    public async Task Invalid_is_502_read_refused_and_the_units_text_stays_in_the_log()
    {
        var (unit, request, response) = await ReadAsync("unit-h-inv", "p-h-inv", "appointments");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Invalid, Error: "internal table appt_v2 rejected the query"));

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.BadGateway, "Read refused by the unit");
        Assert.DoesNotContain("appt_v2", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unsupported_is_501()
    {
        var (unit, request, response) = await ReadAsync("unit-h-uns", "p-h-uns", "records");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Unsupported, Error: "records are not kept here"));

        var problem = await AssertProblemAsync(await response, HttpStatusCode.NotImplemented, "Read not offered by the unit");
        Assert.Contains(Operations.GetRecords, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Error_is_502_unit_failed()
    {
        var (unit, request, response) = await ReadAsync("unit-h-err", "p-h-err", "invoices");
        await using var _ = unit;
        await unit.SendAsync(new Reply(request.Id, ReplyStatus.Error, Error: "database is locked"));

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.BadGateway, "Unit failed to answer");
        Assert.DoesNotContain("locked", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_reply_that_fails_to_decode_is_502_not_unit_offline_and_the_unit_is_told_why()
    {
        var (unit, request, response) = await ReadAsync("unit-h-undecodable", "p-h-undecodable", "appointments");
        await using var _ = unit;
        await unit.SendRawAsync(Encoding.UTF8.GetBytes($$"""{"type":"reply","id":"{{request.Id}}","status":"maybe"}"""));

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.BadGateway, "Invalid answer from the unit");
        Assert.Null(answer.Headers.RetryAfter);
        var (last, close) = await unit.ReceiveLastFrameAndCloseAsync();
        Assert.Equal(ErrorCodes.InvalidField, Assert.IsType<ErrorFrame>(last).Code);
        Assert.Equal(CloseCodes.InvalidFrame, close);
    }

    [Fact]
    public async Task A_unit_that_drops_its_connection_before_answering_is_503_unit_offline()
    {
        var (unit, _, response) = await ReadAsync("unit-h-drop", "p-h-drop", "appointments");
        await unit.DisposeAsync();

        var answer = await response;
        await AssertProblemAsync(answer, HttpStatusCode.ServiceUnavailable, "Unit offline");
        Assert.NotNull(answer.Headers.RetryAfter);
    }
}
