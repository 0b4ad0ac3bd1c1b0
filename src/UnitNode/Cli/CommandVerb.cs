namespace HealthGateway.UnitNode.Cli;

internal enum CommandVerb
{
    /// <summary>Run the service (the default).</summary>
    Run,
    /// <summary>Print the unit's patient ids and exit without connecting.</summary>
    ListPatients,
    Help,
}
