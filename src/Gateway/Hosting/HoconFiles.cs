using Akka.Configuration;

namespace HealthGateway.Gateway.Hosting;

/// <summary>The tuning files in <c>hocon/</c>, copied beside the binaries at build time.</summary>
public static class HoconFiles
{
    private static readonly string[] Files = ["cluster.hocon", "sharding.hocon", "persistence.hocon"];

    public static Config Load()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "hocon");
        var config = Config.Empty;
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"HOCON file missing: {path}", path);
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
        }
        return config;
    }
}
