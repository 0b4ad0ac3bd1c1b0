using System.Text.Json.Nodes;
using HealthGateway.Gateway.Auth;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// SMART App Launch discovery (<c>/.well-known/smart-configuration</c>, at the root and under the FHIR base): the
/// configured token issuer and the v2 scopes the gateway understands. The endpoints of the issuer are configured
/// (<c>Fhir:AuthorizationEndpoint</c>, <c>Fhir:TokenEndpoint</c>); by default <c>{Auth:Authority}/authorize</c> and
/// <c>/token</c>. With the dev key (no authority) there is no token endpoint to name.
/// </summary>
public static class SmartConfiguration
{
    public static readonly string[] ScopesSupported =
    [
        "patient/Appointment.rs", "patient/Appointment.cu", "patient/Invoice.rs", "patient/Invoice.u",
        "patient/AllergyIntolerance.rs", "patient/Condition.rs", "patient/MedicationStatement.rs", "patient/Encounter.rs",
        "system/Appointment.rs", "system/Appointment.cu", "system/Invoice.rs", "system/Invoice.u",
        "system/AllergyIntolerance.rs", "system/Condition.rs", "system/MedicationStatement.rs", "system/Encounter.rs",
    ];

    public static IEndpointRouteBuilder MapSmartConfiguration(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/.well-known/smart-configuration", $"{FhirPaths.Base}/.well-known/smart-configuration" })
            app.MapGet(path, (AuthOptions auth, IConfiguration configuration) =>
                    Results.Text(Document(auth, configuration).ToJsonString(), "application/json"))
                .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    public static JsonObject Document(AuthOptions auth, IConfiguration configuration)
    {
        var authority = auth.Authority?.TrimEnd('/');
        var document = new JsonObject
        {
            ["issuer"] = authority ?? auth.Issuer,
            ["grant_types_supported"] = new JsonArray("authorization_code", "client_credentials"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            ["response_types_supported"] = new JsonArray("code"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["scopes_supported"] = new JsonArray(ScopesSupported.Select(s => (JsonNode)s).ToArray()),
            ["capabilities"] = new JsonArray("permission-v2", "launch-standalone", "context-standalone-patient", "client-confidential-asymmetric"),
        };
        var authorize = configuration["Fhir:AuthorizationEndpoint"] ?? (authority is null ? null : $"{authority}/authorize");
        var token = configuration["Fhir:TokenEndpoint"] ?? (authority is null ? null : $"{authority}/token");
        if (authorize is not null) document["authorization_endpoint"] = authorize;
        if (token is not null) document["token_endpoint"] = token;
        if (authority is not null) document["jwks_uri"] = configuration["Fhir:JwksUri"] ?? $"{authority}/.well-known/jwks.json";
        return document;
    }
}
