using System.Net;
using System.Net.Http.Headers;
using HealthGateway.Integration.Tests.Infrastructure;
using Hl7.Fhir.Rest;

namespace HealthGateway.Integration.Tests.Fhir;

/// <summary>
/// One gateway and real UnitNodes for every FHIR test class (collection fixture): <c>unit-f1</c> (granted to the
/// partners), <c>unit-f2</c> (not granted), and <c>unit-fo</c>, which the offline test stops and restarts.
/// </summary>
public sealed class FhirGateway : IAsyncLifetime
{
    public const string Collection = "fhir";
    /// <summary>SMART v2 scopes that add up to every gateway scope (SmartScopes).</summary>
    public const string SmartAll =
        "system/Appointment.cruds system/Invoice.rus system/AllergyIntolerance.rs system/Condition.rs system/MedicationStatement.rs system/Encounter.rs";

    private readonly TempDirectory _temp = new();

    public GatewayNode Gateway { get; private set; } = null!;
    public UnitNodeHost Unit { get; private set; } = null!;
    public UnitNodeHost OtherUnit { get; private set; } = null!;
    public UnitNodeHost OfflineUnit { get; set; } = null!;
    public string Patient { get; private set; } = "";
    public string OtherPatient { get; private set; } = "";
    public string OfflinePatient { get; private set; } = "";
    public string UnitsDirectory => _temp.Sub("units");

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>()
            .Grant("fhir-partner", PartnerSetup.AllScopes, "unit-f1", "unit-fo")
            .Grant("fhir-narrow", "appointments.read", "unit-f1")
            .Grant("fhir-elsewhere", PartnerSetup.AllScopes, "unit-f2");
        // Patients and admins get the product's default per-caller limit (the 429 test floods as one patient);
        // partners, who run the access matrix, stay unthrottled as in every test gateway.
        settings["RateLimits:PerCallerPerSecond"] = "50";
        settings["RateLimits:PerCallerBurst"] = "300";
        settings["RateLimits:PartnerPerSecond"] = "100000";
        settings["RateLimits:PartnerBurst"] = "100000";
        Gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings);
        Unit = await StartUnitAsync("unit-f1", 3);
        OtherUnit = await StartUnitAsync("unit-f2", 2);
        OfflineUnit = await StartUnitAsync("unit-fo", 1);
        var patients = await Unit.PatientIdsAsync();
        (Patient, OtherPatient) = (patients[0], patients[1]);
        OfflinePatient = (await OfflineUnit.PatientIdsAsync())[0];
        foreach (var p in new[] { Patient, OtherPatient, OfflinePatient, (await OtherUnit.PatientIdsAsync())[0] })
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
                (await Gateway.GetAsync($"/api/v1/patients/{p}/appointments", Gateway.PatientToken(p))).StatusCode));
    }

    public Task<UnitNodeHost> StartUnitAsync(string unitId, int seed) =>
        UnitNodeHost.StartAsync(unitId, UnitsDirectory, Gateway.WebSocketBase, Gateway.UnitToken(unitId), seed);

    public string PartnerToken(string scopes = SmartAll) => Gateway.PartnerToken("fhir-partner", scopes);

    /// <summary>Firely's client as a partner configures it: the FHIR base, a bearer token, FHIR JSON.</summary>
    public FhirClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(Gateway.BaseUrl, "/fhir/r4/") };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new FhirClient(new Uri(Gateway.BaseUrl, "/fhir/r4/"), http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    public async Task DisposeAsync()
    {
        await OfflineUnit.DisposeAsync();
        await OtherUnit.DisposeAsync();
        await Unit.DisposeAsync();
        await Gateway.DisposeAsync();
        _temp.Dispose();
    }
}

[CollectionDefinition(FhirGateway.Collection)]
public sealed class FhirGatewayCollection : ICollectionFixture<FhirGateway>;

/// <summary>Raw FHIR requests, for what FhirClient hides (headers, status codes of errors).</summary>
public static class FhirHttp
{
    public static readonly System.Text.Json.JsonSerializerOptions Json =
        Hl7.Fhir.Serialization.FhirJsonConverterOptionsExtensions.ForFhir(new System.Text.Json.JsonSerializerOptions(), Hl7.Fhir.Model.ModelInfo.ModelInspector);

    public static async Task<HttpResponseMessage> SendFhirAsync(this GatewayNode gateway, HttpMethod method, string path, string? token,
        Hl7.Fhir.Model.Resource? body = null, string? idempotencyKey = null, string? prefer = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        if (body is not null)
            request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, body.GetType(), Json), System.Text.Encoding.UTF8, "application/fhir+json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (prefer is not null) request.Headers.Add("Prefer", prefer);
        request.Headers.Accept.ParseAdd(accept ?? "application/fhir+json");
        return await gateway.Http.SendAsync(request);
    }

    public static async Task<T> ResourceAsync<T>(this HttpResponseMessage response) where T : Hl7.Fhir.Model.Resource
    {
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = System.Text.Json.JsonSerializer.Deserialize<Hl7.Fhir.Model.Resource>(await response.Content.ReadAsStringAsync(), Json);
        return Assert.IsType<T>(resource);
    }
}
