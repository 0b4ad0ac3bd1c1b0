using System.Diagnostics.CodeAnalysis;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// FHIR logical ids of a patient's records: <c>{patientId}.{recordId}</c>. The gateway routes by patient, so a record's
/// id must name its patient; the patient part is then authorized like any route's patient id. Patient ids with a
/// '.' are not served under FHIR (the split is at the first '.'); ids outside FHIR's <c>[A-Za-z0-9\-\.]{1,64}</c> neither.
/// </summary>
public static class FhirIds
{
    public const int MaxLength = 64;

    public static string Compose(string patientId, string recordId) => $"{patientId}.{recordId}";

    public static bool TryParse(string id, [NotNullWhen(true)] out string? patientId, [NotNullWhen(true)] out string? recordId)
    {
        patientId = recordId = null;
        if (!IsValid(id)) return false;
        var dot = id.IndexOf('.');
        if (dot <= 0 || dot == id.Length - 1) return false;
        patientId = id[..dot];
        recordId = id[(dot + 1)..];
        return true;
    }

    /// <summary>FHIR's id rule: 1 to 64 of <c>A-Z a-z 0-9 - .</c></summary>
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    /// <summary>A reference such as <c>Patient/p-1</c> or a bare id, as the patient id; null when it is neither.</summary>
    public static string? PatientOfReference(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var id = reference.StartsWith("Patient/", StringComparison.Ordinal) ? reference["Patient/".Length..] : reference;
        return IsValid(id) && !id.Contains('.') ? id : null;
    }
}
