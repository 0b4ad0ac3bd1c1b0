using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// The CapabilityStatement at <c>/fhir/r4/metadata</c>: exactly what <see cref="FhirEndpoints"/> maps (a test compares
/// this table with the routing table), so a partner's tooling never discovers an interaction that is not there.
/// </summary>
public static class FhirCapabilities
{
    /// <summary>One served resource type: interactions, search parameters (name, type) and instance operations.</summary>
    public sealed record Served(string Type, TypeRestfulInteraction[] Interactions, (string Name, SearchParamType Type)[] SearchParams, string[] Operations,
        bool ConditionalCreate = false);

    private static readonly (string, SearchParamType)[] PatientSearch = [("patient", SearchParamType.Reference), ("_count", SearchParamType.Number)];

    public static readonly IReadOnlyList<Served> Resources =
    [
        new("Appointment",
            [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType, TypeRestfulInteraction.Create, TypeRestfulInteraction.Update],
            [("patient", SearchParamType.Reference), ("date", SearchParamType.Date), ("status", SearchParamType.Token), ("_count", SearchParamType.Number)],
            [], ConditionalCreate: true), // If-None-Exist (ConditionalCreate)
        new("Invoice", [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType], PatientSearch, ["pay"]),
        new("AllergyIntolerance", [TypeRestfulInteraction.SearchType], PatientSearch, []),
        new("Condition", [TypeRestfulInteraction.SearchType], PatientSearch, []),
        new("MedicationStatement", [TypeRestfulInteraction.SearchType], PatientSearch, []),
        new("Encounter", [TypeRestfulInteraction.SearchType], PatientSearch, []),
        new("Patient", [TypeRestfulInteraction.Read], [], ["everything"]),
    ];

    /// <summary>Operation name -> its definition's canonical URL.</summary>
    private static readonly Dictionary<string, string> OperationDefinitions = new(StringComparer.Ordinal)
    {
        ["everything"] = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        ["pay"] = "urn:healthgateway:fhir:OperationDefinition/Invoice-pay",
    };

    public static CapabilityStatement Statement(string baseUrl) => new()
    {
        Status = PublicationStatus.Active,
        DateElement = new FhirDateTime("2026-12-05"),
        Kind = CapabilityStatementKind.Instance,
        Software = new SoftwareComponent { Name = "HealthGateway" },
        Implementation = new ImplementationComponent { Description = "Healthcare units' records, live, over FHIR R4", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["json"],
        Rest =
        [
            new RestComponent
            {
                Mode = RestfulCapabilityMode.Server,
                Security = new SecurityComponent
                {
                    Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")],
                    Description = "SMART on FHIR v2 scopes (see /.well-known/smart-configuration); bearer JWT on every request but metadata.",
                },
                Resource = Resources.Select(served => new ResourceComponent
                {
                    Type = served.Type,
                    Interaction = served.Interactions.Select(i => new ResourceInteractionComponent { Code = i }).ToList(),
                    SearchParam = served.SearchParams.Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Name, Type = p.Type }).ToList(),
                    Operation = served.Operations.Select(o => new OperationComponent { Name = o, Definition = OperationDefinitions[o] }).ToList(),
                    ConditionalCreate = served.ConditionalCreate ? true : null,
                }).ToList(),
            },
        ],
    };
}
