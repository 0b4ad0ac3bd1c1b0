using System.Net;

namespace HealthGateway.Gateway.Telemetry;

/// <summary>Section <c>Telemetry</c>. OTLP export is switched on by the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>Who may scrape <c>/metrics</c>: callers from an allowed network, or with an admin token.</summary>
    public sealed class PrometheusOptions
    {
        public bool Enabled { get; set; } = true;

        /// <summary>Scrapes from 127.0.0.0/8 and ::1 need no token. Turn off when a reverse proxy on the same host forwards outside traffic.</summary>
        public bool AllowLoopback { get; set; } = true;

        /// <summary>CIDR ranges whose scrapers need no token, e.g. <c>10.0.0.0/8</c> for the Prometheus subnet.</summary>
        public string[] AllowedNetworks { get; set; } = [];

        internal IPNetwork[] ParsedNetworks() =>
            [.. AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var network)
                ? network
                : throw new InvalidOperationException($"Telemetry:Prometheus:AllowedNetworks: '{n}' is not a CIDR range"))];
    }
}
