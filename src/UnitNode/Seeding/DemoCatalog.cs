using HealthGateway.Protocol.Contracts;

namespace HealthGateway.UnitNode.Seeding;

/// <summary>The vocabulary synthetic patients are drawn from. Fictional people, real ICD-10 codes.</summary>
internal static class DemoCatalog
{
    public static readonly string[] GivenNames =
    [
        "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Katrin", "Lukas",
        "Maria", "Noah", "Olivia", "Paul", "Rosa", "Samuel", "Tanja", "Viktor", "Wanda", "Yusuf", "Zoe", "Mila",
    ];

    private static readonly HashSet<string> FemaleGivenNames =
    [
        "Anna", "Clara", "Elena", "Greta", "Ines", "Katrin", "Maria", "Olivia", "Rosa", "Tanja", "Wanda", "Zoe", "Mila",
    ];

    /// <summary>The seeded gender follows the given name (the random draws, and so every seeded id, stay as they were).</summary>
    public static AdministrativeGender GenderOf(string givenName) =>
        FemaleGivenNames.Contains(givenName) ? AdministrativeGender.Female : AdministrativeGender.Male;

    public static readonly string[] FamilyNames =
    [
        "Keller", "Novak", "Silva", "Jansen", "Moreau", "Rossi", "Berg", "Lindqvist", "Horvat", "Costa", "Weber",
        "Fischer", "Kowalski", "Dubois", "Ferreira", "Nielsen", "Schmidt", "Popescu", "Varga", "Meyer",
    ];

    public static readonly string[] Clinicians =
    [
        "Dr. Adler", "Dr. Brandt", "Dr. Chen", "Dr. Duarte", "Dr. Eriksen", "Dr. Fontaine", "Dr. Gallo", "Dr. Haas",
    ];

    public static readonly string[] VisitReasons =
    [
        "Annual check-up", "Follow-up", "Vaccination", "Blood test results", "Back pain", "Prescription renewal",
        "Skin rash", "Blood pressure review", "Sports injury", "Headache",
    ];

    public static readonly (string Substance, string Reaction, string Severity)[] Allergies =
    [
        ("Penicillin", "Hives", "moderate"), ("Peanuts", "Anaphylaxis", "severe"), ("Pollen", "Rhinitis", "mild"),
        ("Latex", "Contact dermatitis", "mild"), ("Ibuprofen", "Bronchospasm", "moderate"), ("Shellfish", "Swelling", "severe"),
    ];

    public static readonly (string Code, string Display)[] Conditions =
    [
        ("I10", "Essential (primary) hypertension"), ("E11.9", "Type 2 diabetes mellitus without complications"),
        ("J45.909", "Unspecified asthma, uncomplicated"), ("M54.5", "Low back pain"), ("E78.5", "Hyperlipidemia, unspecified"),
        ("F41.1", "Generalized anxiety disorder"), ("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
        ("J30.1", "Allergic rhinitis due to pollen"), ("E03.9", "Hypothyroidism, unspecified"), ("G43.909", "Migraine, unspecified"),
    ];

    public static readonly (string Name, string Dosage)[] Medications =
    [
        ("Lisinopril", "10 mg once daily"), ("Metformin", "500 mg twice daily"), ("Salbutamol", "100 mcg as needed"),
        ("Atorvastatin", "20 mg once daily"), ("Levothyroxine", "50 mcg once daily"), ("Omeprazole", "20 mg once daily"),
        ("Sertraline", "50 mg once daily"), ("Cetirizine", "10 mg once daily"),
    ];

    public static readonly string[] EncounterKinds = ["outpatient", "telehealth", "emergency", "home visit"];

    public static readonly string[] EncounterSummaries =
    [
        "Vitals normal; no change to treatment.", "Medication adjusted; review in 3 months.",
        "Referred for imaging.", "Lab work ordered.", "Symptoms improving; continue current plan.",
    ];

    public static readonly string[] InvoiceDescriptions =
    [
        "Consultation", "Laboratory tests", "Vaccination", "Follow-up visit", "Minor procedure", "Telehealth consultation",
    ];
}
