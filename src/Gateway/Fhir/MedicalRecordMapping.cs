using Hl7.Fhir.Model;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// A <see cref="Contracts.MedicalRecord"/> as four FHIR resource types. The contract's entries have no ids of their own:
/// each gets <c>{patientId}.{kind}-{index}</c>, stable while the unit's list is (served by search only, never read by id).
/// </summary>
public static class MedicalRecordMapping
{
    private const string IcdSystem = "http://hl7.org/fhir/sid/icd-10";
    private const string AllergyClinicalSystem = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    private const string ConditionClinicalSystem = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    public static IEnumerable<AllergyIntolerance> Allergies(Contracts.MedicalRecord record) =>
        record.Allergies.Select((allergy, i) => new AllergyIntolerance
        {
            Id = FhirIds.Compose(record.PatientId, $"allergy-{i}"),
            ClinicalStatus = new CodeableConcept(AllergyClinicalSystem, "active"),
            Code = new CodeableConcept { Text = allergy.Substance },
            Patient = new ResourceReference($"Patient/{record.PatientId}"),
            Reaction =
            [
                new AllergyIntolerance.ReactionComponent
                {
                    Manifestation = [new CodeableConcept { Text = allergy.Reaction }],
                    Severity = SeverityOf(allergy.Severity),
                    Description = SeverityOf(allergy.Severity) is null ? allergy.Severity : null,
                },
            ],
        });

    public static IEnumerable<Condition> Conditions(Contracts.MedicalRecord record) =>
        record.Conditions.Select((condition, i) => new Condition
        {
            Id = FhirIds.Compose(record.PatientId, $"condition-{i}"),
            ClinicalStatus = new CodeableConcept(ConditionClinicalSystem, "active"),
            Code = new CodeableConcept(IcdSystem, condition.Code, condition.Display, condition.Display),
            Subject = new ResourceReference($"Patient/{record.PatientId}"),
            Onset = new FhirDateTime(condition.Onset.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        });

    public static IEnumerable<MedicationStatement> Medications(Contracts.MedicalRecord record) =>
        record.Medications.Select((medication, i) => new MedicationStatement
        {
            Id = FhirIds.Compose(record.PatientId, $"medication-{i}"),
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept { Text = medication.Name },
            Subject = new ResourceReference($"Patient/{record.PatientId}"),
            Effective = new Period { StartElement = new FhirDateTime(medication.Since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) },
            Dosage = [new Dosage { Text = medication.Dosage }],
        });

    public static IEnumerable<Encounter> Encounters(Contracts.MedicalRecord record) =>
        record.Encounters.Select((encounter, i) => new Encounter
        {
            Id = FhirIds.Compose(record.PatientId, $"encounter-{i}"),
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding(ActCodeSystem, "AMB", "ambulatory"),
            Type = [new CodeableConcept { Text = encounter.Kind }],
            Subject = new ResourceReference($"Patient/{record.PatientId}"),
            Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference { Display = encounter.Clinician } }],
            Period = new Period { StartElement = new FhirDateTime(encounter.At.ToUniversalTime()) },
            ReasonCode = [new CodeableConcept { Text = encounter.Summary }],
        });

    private static AllergyIntolerance.AllergyIntoleranceSeverity? SeverityOf(string severity) => severity.ToLowerInvariant() switch
    {
        "mild" => AllergyIntolerance.AllergyIntoleranceSeverity.Mild,
        "moderate" => AllergyIntolerance.AllergyIntoleranceSeverity.Moderate,
        "severe" => AllergyIntolerance.AllergyIntoleranceSeverity.Severe,
        _ => null,
    };
}
