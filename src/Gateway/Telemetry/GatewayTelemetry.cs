using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HealthGateway.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for the gateway: our spans and meters, ASP.NET Core and runtime instrumentation, the
/// Prometheus scrape endpoint and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (Aspire sets it), OTLP
/// export of traces, metrics and logs.
/// </summary>
public static class GatewayTelemetry
{
    public const string ServiceName = "healthgateway-gateway";
    public const string MetricsPath = "/metrics";
    public const string TracingEnabledKey = "Telemetry:Tracing:Enabled";

    // Long-lived or high-frequency requests that would only add noise (a unit socket's request lasts for hours).
    private static readonly string[] UntracedPaths = ["/ws", "/healthz", MetricsPath];

    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.Configure<TelemetryOptions>(section);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddAuthorization(o => MetricsAccess.AddPolicy(o, options.Prometheus));

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        // Spans cost an allocation or two per request: collect them only when something will receive them.
        var tracing = otlp || builder.Configuration.GetValue<bool>(TracingEnabledKey);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (Aspire sets it) wins over our default name.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"])) resource.AddService(ServiceName);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.Prometheus.Enabled) metrics.AddPrometheusExporter();
            });
        if (tracing)
            otel.WithTracing(traces => traces
                .AddSource(GatewayTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !UntracedPaths.Any(p => http.Request.Path.StartsWithSegments(p))));
        if (otlp) otel.UseOtlpExporter(); // traces, metrics and logs, configured by the standard OTEL_* variables
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (when enabled) behind <see cref="MetricsAccess"/>.</summary>
    public static WebApplication MapGatewayTelemetry(this WebApplication app)
    {
        var options = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Prometheus.Enabled)
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsAccess.Policy);
        return app;
    }
}
