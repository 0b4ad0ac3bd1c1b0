namespace HealthGateway.Gateway.Ops;

/// <summary>Names of the ops endpoints: OpenAPI operation ids and keys of <see cref="OpsApiExamples"/>.</summary>
public static class OpsEndpointNames
{
    public const string Cluster = "OpsCluster";
    public const string Leave = "OpsLeaveMember";
    public const string Down = "OpsDownMember";
    public const string DownUnreachable = "OpsDownUnreachable";
    public const string Regions = "OpsShardRegions";
    public const string RegionStats = "OpsShardRegionStats";
    public const string Units = "OpsUnits";
    public const string Unit = "OpsUnit";
    public const string UnitResync = "OpsUnitResync";
    public const string Operation = "OpsOperation";
    public const string Events = "OpsEvents";
    public const string TransferPatient = "OpsTransferPatient";
}
