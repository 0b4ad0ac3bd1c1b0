using HealthGateway.Integration.Tests.Clustering;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("HealthGateway.Integration.Tests.Infrastructure.LongestCollectionsFirst", "HealthGateway.Integration.Tests")]

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// Starts the longest serial collections first (the PostgreSQL cluster tests, then the fault tests, then the longest
/// classes), so the suite's length is that of its longest chain, not that chain started last behind the short ones.
/// </summary>
public sealed class LongestCollectionsFirst : ITestCollectionOrderer
{
    private static readonly string[] First =
    [
        ClusterFaultCollection.Name, FaultCollection.Name,
        nameof(Documentation.DocumentedCommandTests), nameof(AppHostTests), nameof(HealthCheckTests), nameof(PatientPushTests),
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection)
    {
        for (var i = 0; i < First.Length; i++)
            if (collection.DisplayName == First[i] || collection.DisplayName.EndsWith("." + First[i], StringComparison.Ordinal)) return i;
        return First.Length;
    }
}
