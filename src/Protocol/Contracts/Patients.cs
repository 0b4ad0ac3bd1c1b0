using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Contracts;

/// <summary>
/// Reply payload of <see cref="Operations.GetDemographics"/> (protocol 1, added compatibly: a unit that does not know the
/// operation answers <c>unsupported</c>, and a reader that does not know a field ignores it). <paramref name="Name"/> is the
/// name as the unit records it (one display string); <paramref name="Gender"/> and <paramref name="BirthDate"/> are
/// optional: a unit that does not record them leaves them out.
/// </summary>
public sealed record PatientDemographics(string PatientId, string Name, AdministrativeGender? Gender = null, DateOnly? BirthDate = null);

/// <summary>The administrative gender codes of HL7 (FHIR's <c>AdministrativeGender</c>), so the mapping is one to one.</summary>
public enum AdministrativeGender
{
    [JsonStringEnumMemberName("female")] Female,
    [JsonStringEnumMemberName("male")] Male,
    [JsonStringEnumMemberName("other")] Other,
    [JsonStringEnumMemberName("unknown")] Unknown,
}
