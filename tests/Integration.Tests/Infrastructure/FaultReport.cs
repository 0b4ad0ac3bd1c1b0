using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// The figures every fault test reports: accepted, applied, lost, applied twice, order violations,
/// recovery time. Checked against the units' own databases, not against what the gateway says.
/// </summary>
public sealed record FaultReport(string Scenario, int Accepted, int Applied, int Lost, int AppliedTwice, int OrderViolations, TimeSpan Recovery)
{
    /// <summary>
    /// Compares what the gateway accepted per unit (operation ids in acceptance order) with each unit's
    /// applied_messages table and its effects (rows created by the operations).
    /// </summary>
    public static FaultReport Measure(string scenario, IReadOnlyDictionary<string, IReadOnlyList<string>> acceptedByUnitDb,
        TimeSpan recovery, Func<string, long>? effectsInDb = null)
    {
        int accepted = 0, applied = 0, lost = 0, twice = 0, order = 0;
        foreach (var (db, operations) in acceptedByUnitDb)
        {
            var ledger = UnitLedger.Applied(db);
            var appliedIds = ledger.Select(m => m.MessageId).ToList();
            accepted += operations.Count;
            applied += operations.Count(appliedIds.Contains);
            lost += operations.Count(id => !appliedIds.Contains(id));
            twice += appliedIds.Count - appliedIds.Distinct().Count();
            if (effectsInDb is not null) twice += (int)Math.Max(0, effectsInDb(db) - ledger.Count(m => m.Status == "applied"));
            // Accepted order per unit is delivery order: the unit must have applied them in that order.
            var positions = operations.Select(id => appliedIds.IndexOf(id)).Where(i => i >= 0).ToList();
            order += positions.Zip(positions.Skip(1)).Count(p => p.Item2 < p.Item1);
            order += ledger.Zip(ledger.Skip(1)).Count(p => p.Item2.Seq < p.Item1.Seq);
        }
        return new FaultReport(scenario, accepted, applied, lost, twice, order, recovery);
    }

    public override string ToString() =>
        $"[fault] {Scenario}: accepted={Accepted} applied={Applied} lost={Lost} appliedTwice={AppliedTwice} orderViolations={OrderViolations} recovery={Recovery.TotalSeconds:F1}s";

    /// <summary>To the test output and to TestResults/fault-report.txt (CI prints it).</summary>
    public void WriteTo(ITestOutputHelper output) => Append(output, ToString());

    /// <summary>
    /// A figure line (starting <c>[fault]</c>) to the test output and to TestResults/fault-report.txt, which the first
    /// test to report creates (collections run side by side, in any order).
    /// </summary>
    public static void Append(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        var directory = Path.Combine(RepoPaths.Root, "TestResults");
        lock (typeof(FaultReport))
        {
            Directory.CreateDirectory(directory);
            File.AppendAllText(Path.Combine(directory, "fault-report.txt"), line + Environment.NewLine);
        }
    }

    public void AssertNothingLost()
    {
        Assert.Equal(0, Lost);
        Assert.Equal(0, AppliedTwice);
        Assert.Equal(0, OrderViolations);
        Assert.Equal(Accepted, Applied);
    }
}
