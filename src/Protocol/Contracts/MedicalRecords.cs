namespace HealthGateway.Protocol.Contracts;

/// <summary>Reply payload of <see cref="Operations.GetRecords"/>.</summary>
public sealed record MedicalRecord(
    string PatientId,
    IReadOnlyList<Allergy> Allergies,
    IReadOnlyList<Condition> Conditions,
    IReadOnlyList<Medication> Medications,
    IReadOnlyList<Encounter> Encounters);

public sealed record Allergy(string Substance, string Reaction, string Severity);

/// <summary><paramref name="Code"/> is an ICD-10 code.</summary>
public sealed record Condition(string Code, string Display, DateOnly Onset);

public sealed record Medication(string Name, string Dosage, DateOnly Since);

public sealed record Encounter(DateTimeOffset At, string Kind, string Clinician, string Summary);
