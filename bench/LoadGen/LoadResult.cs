using System.Text.Json.Serialization;

namespace HealthGateway.Bench.LoadGen;

/// <summary>One run's figures; latencies in milliseconds.</summary>
public sealed record LoadResult(
    string Mode,
    double Seconds,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    Dictionary<string, long> StatusCodes,
    long Errors);

[JsonSerializable(typeof(LoadResult))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class LoadResultJsonContext : JsonSerializerContext;
