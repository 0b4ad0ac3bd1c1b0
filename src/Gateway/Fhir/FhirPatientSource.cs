namespace HealthGateway.Gateway.Fhir;

/// <summary>Endpoint metadata: where a FHIR route names the patient whose data it touches.</summary>
public enum FhirPatientSource
{
    /// <summary>The <c>patient</c> search parameter (a patient's own token may leave it out).</summary>
    SearchParameter,
    /// <summary>The route's <c>{id}</c> is a record id <c>{patientId}.{recordId}</c> (<see cref="FhirIds"/>).</summary>
    RecordId,
    /// <summary>The route's <c>{id}</c> is the patient id (<c>Patient/{id}</c>).</summary>
    PatientId,
    /// <summary>The Appointment in the body names the patient as a participant (create).</summary>
    AppointmentBody,
}
