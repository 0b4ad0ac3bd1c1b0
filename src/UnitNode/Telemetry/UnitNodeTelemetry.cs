using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HealthGateway.UnitNode.Telemetry;

/// <summary>
/// OpenTelemetry for the unit: its spans and meters plus runtime metrics, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The unit has no HTTP surface, so there is no scrape endpoint;
/// its health is published to the log and the <c>hgw.unitnode.health</c> gauge (<see cref="UnitNodeHealthCheck"/>).
/// </summary>
public static class UnitNodeTelemetry
{
    public const string ServiceName = "healthgateway-unitnode";
    public const string TracingEnabledKey = "Telemetry:Tracing:Enabled";

    public static IServiceCollection AddUnitNodeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<UnitNodeMetrics>();
        services.AddHealthChecks().AddCheck<UnitNodeHealthCheck>("unit");
        services.AddSingleton<Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheckPublisher, UnitNodeHealthPublisher>();

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])) resource.AddService(ServiceName);
            })
            .WithMetrics(metrics => metrics.AddMeter(UnitNodeMetrics.MeterName).AddRuntimeInstrumentation());
        // Spans only when something receives them (an exporter, or a test's in-memory one).
        if (otlp || configuration.GetValue<bool>(TracingEnabledKey))
            otel.WithTracing(traces => traces.AddSource(UnitNodeTracing.SourceName));
        if (otlp) otel.UseOtlpExporter();
        return services;
    }
}
