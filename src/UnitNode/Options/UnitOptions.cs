namespace HealthGateway.UnitNode.Options;

/// <summary>Configuration section <c>Unit</c>: who this unit is and where its local store lives.</summary>
public sealed class UnitOptions
{
    public const string SectionName = "Unit";

    /// <summary>The unit id the gateway knows this unit by (e.g. <c>unit-1</c>); also names the database file.</summary>
    public string Id { get; set; } = "";

    /// <summary>Folder of the SQLite file <c>{DataDirectory}/{Id}.db</c>; relative paths resolve against the content root.</summary>
    public string DataDirectory { get; set; } = ".data/units";

    /// <summary>Demo patients to make sure exist at startup (idempotent, deterministic). 0 seeds nothing.</summary>
    public int SeedPatients { get; set; }
}
