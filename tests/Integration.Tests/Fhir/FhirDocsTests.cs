using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HealthGateway.Integration.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace HealthGateway.Integration.Tests.Fhir;

/// <summary>
/// docs/fhir.md's FhirClient example is this test's code and runs against a real gateway and units (its curl blocks are
/// pasted by DocumentedCommandTests, with every other doc's).
/// </summary>
[Collection(FhirGateway.Collection)]
public sealed partial class FhirDocsTests(FhirGateway fixture)
{
    private static string Doc => File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "fhir.md"));

    private static IReadOnlyList<string> Blocks(string language) =>
        FencedBlock().Matches(Doc).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value).ToList();

    [Fact]
    public async Task The_FhirClient_example_is_this_code_and_runs()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Integration.Tests", "Fhir", "FhirDocsTests.cs"));
        const string begin = "// doc" + ":begin", end = "// doc" + ":end"; // split, so that only the markers below match
        var region = source[(source.IndexOf(begin, StringComparison.Ordinal) + begin.Length)..source.IndexOf(end, StringComparison.Ordinal)];
        Assert.Equal(Normalize(Assert.Single(Blocks("csharp"))), Normalize(region));

        var moved = await RunAsync(fixture.Gateway.BaseUrl, fixture.PartnerToken(), fixture.OtherPatient);
        Assert.NotNull(moved);
        Assert.Equal(new DateTimeOffset(2031, 2, 3, 10, 0, 0, TimeSpan.Zero), moved!.Start);
    }

    private static async Task<Appointment?> RunAsync(Uri gateway, string token, string patientId)
    {
        // doc:begin
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var client = new FhirClient(new Uri(gateway, "/fhir/r4/"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json });

        // every page of a patient's appointments
        var page = await client.SearchAsync<Appointment>(new SearchParams().Where($"patient=Patient/{patientId}").LimitTo(20));
        while (page is not null)
        {
            foreach (var entry in page.Entry) Console.WriteLine($"{entry.Resource!.Id}");
            page = await client.ContinueAsync(page);
        }

        // move the first booked one (only start and status count in an update)
        var booked = await client.SearchAsync<Appointment>(new SearchParams().Where($"patient=Patient/{patientId}").Where("status=booked"));
        var appointment = (Appointment)booked!.Entry[0].Resource!;
        appointment.Start = new DateTimeOffset(2031, 2, 3, 10, 0, 0, TimeSpan.Zero);
        appointment.End = appointment.Start.Value.AddMinutes(appointment.MinutesDuration ?? 30);
        var moved = await client.UpdateAsync(appointment); // 200 with the moved appointment, or 202 while the unit is away
        // doc:end
        return moved;
    }

    private static string Normalize(string code) => string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
