using Akka.Configuration;

namespace HealthGateway.Gateway.Hosting;

/// <summary>The tuning files in <c>hocon/</c>, copied beside the binaries at build time.</summary>
public static class HoconFiles
{
    private static readonly string[] Files = ["cluster.hocon", "sharding.hocon", "persistence.hocon"];

    /// <summary>Tuning for a shared PostgreSQL server, layered over the SQLite-first defaults.</summary>
    private const string PostgreSqlFile = "postgresql.hocon";

    public static Config Load(Storage.StorageProvider provider = Storage.StorageProvider.Sqlite)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "hocon");
        var config = Config.Empty;
        IEnumerable<string> files = provider == Storage.StorageProvider.PostgreSql ? [PostgreSqlFile, .. Files] : Files;
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"HOCON file missing: {path}", path);
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
        }
        return config;
    }
}
