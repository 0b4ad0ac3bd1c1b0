namespace HealthGateway.Gateway.Storage;

/// <summary>
/// Configuration section <c>Gateway:Storage</c>. PostgreSQL's connection string is
/// <c>ConnectionStrings:Gateway</c> (kept out of this section so secret stores can supply it the usual way).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Gateway:Storage";
    public const string ConnectionStringName = "Gateway";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
}
