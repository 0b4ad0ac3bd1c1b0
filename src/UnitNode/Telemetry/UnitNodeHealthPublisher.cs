using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Telemetry;

/// <summary>
/// Publishes the unit's health where its operators already look, since the unit has no HTTP surface:
/// a log line when the status changes and the <c>hgw.unitnode.health</c> gauge (0 unhealthy, 1 degraded, 2 healthy).
/// </summary>
internal sealed partial class UnitNodeHealthPublisher : IHealthCheckPublisher
{
    private readonly ILogger<UnitNodeHealthPublisher> _logger;
    private HealthStatus? _last;

    public UnitNodeHealthPublisher(IMeterFactory meters, ILogger<UnitNodeHealthPublisher> logger)
    {
        _logger = logger;
        meters.Create(UnitNodeMetrics.MeterName).CreateObservableGauge("hgw.unitnode.health",
            () => (int)(_last ?? HealthStatus.Degraded), "{status}", "Last published health: 0 unhealthy, 1 degraded, 2 healthy.");
    }

    /// <summary>The last published report's status; null before the first one.</summary>
    public HealthStatus? Last => _last;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Status != _last)
        {
            var detail = string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}"));
            if (report.Status == HealthStatus.Healthy) LogHealthy(_logger, detail);
            else LogNotHealthy(_logger, report.Status, detail);
        }
        _last = report.Status;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unit health: Healthy ({Detail})")]
    private static partial void LogHealthy(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit health: {Status} ({Detail})")]
    private static partial void LogNotHealthy(ILogger logger, HealthStatus status, string detail);
}
