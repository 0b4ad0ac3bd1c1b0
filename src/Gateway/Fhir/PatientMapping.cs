using System.Globalization;
using Hl7.Fhir.Model;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// <see cref="Contracts.PatientDemographics"/> -&gt; FHIR <c>Patient</c>: the unit's display name as <c>name.text</c> (units record
/// one string, so it is not split into given/family), gender code for code, birthDate as a date. A unit that predates
/// <c>patient.demographics</c> gives a Patient that is its id only (<see cref="IdOnly"/>).
/// </summary>
public static class PatientMapping
{
    public static Patient ToFhir(Contracts.PatientDemographics demographics)
    {
        var patient = IdOnly(demographics.PatientId);
        patient.Name = [new HumanName { Use = HumanName.NameUse.Official, Text = demographics.Name }];
        patient.Gender = demographics.Gender switch
        {
            Contracts.AdministrativeGender.Female => AdministrativeGender.Female,
            Contracts.AdministrativeGender.Male => AdministrativeGender.Male,
            Contracts.AdministrativeGender.Other => AdministrativeGender.Other,
            Contracts.AdministrativeGender.Unknown => AdministrativeGender.Unknown,
            _ => null,
        };
        if (demographics.BirthDate is { } born) patient.BirthDate = born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return patient;
    }

    public static Patient IdOnly(string patientId) => new() { Id = patientId, Active = true };
}
