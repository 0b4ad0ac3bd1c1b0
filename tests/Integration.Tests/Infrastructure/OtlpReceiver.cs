using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP collector on real Kestrel (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>): keeps the spans
/// posted to <c>/v1/traces</c>, accepts and counts <c>/v1/metrics</c> and <c>/v1/logs</c>, as the Aspire dashboard would.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<OtlpSpan> _spans = [];
    private int _metricExports;
    private int _logExports;
    private int _refusedExports;
    private volatile bool _refusing;

    private OtlpReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter appends /v1/traces etc.).</summary>
    public Uri Endpoint { get; }

    public int MetricExports => Volatile.Read(ref _metricExports);
    public int LogExports => Volatile.Read(ref _logExports);
    public int RefusedExports => Volatile.Read(ref _refusedExports);

    /// <summary>While true, every export is answered 503 and dropped: a collector that is down for maintenance.</summary>
    public bool Refusing
    {
        get => _refusing;
        set => _refusing = value;
    }

    public IReadOnlyList<OtlpSpan> Spans
    {
        get { lock (_spans) return [.. _spans]; }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, new Uri($"http://127.0.0.1:{port}"));
        app.Use(async (context, next) =>
        {
            if (!receiver._refusing)
            {
                await next(context);
                return;
            }
            await ReadBodyAsync(context.Request);
            Interlocked.Increment(ref receiver._refusedExports);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        });
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var spans = OtlpSpan.ParseExportRequest(await ReadBodyAsync(request)).ToList();
            lock (receiver._spans) receiver._spans.AddRange(spans);
            return Results.Bytes([], "application/x-protobuf"); // an empty ExportTraceServiceResponse: all accepted
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            await ReadBodyAsync(request);
            Interlocked.Increment(ref receiver._metricExports);
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            await ReadBodyAsync(request);
            Interlocked.Increment(ref receiver._logExports);
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        return body.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
