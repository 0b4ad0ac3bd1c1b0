namespace HealthGateway.Gateway.Storage;

/// <summary>Where the journal, snapshots and gateway tables live (<c>Gateway:Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>One embedded file beside the node: the single-node default.</summary>
    Sqlite,

    /// <summary>One shared server for every node of a cluster.</summary>
    PostgreSql,
}
