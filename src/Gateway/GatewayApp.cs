using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Dashboard;
using HealthGateway.Gateway.Fhir;
using HealthGateway.Gateway.Hosting;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.RateLimits;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Transport;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway;

/// <summary>Builds the gateway host; used by <c>Program</c> and by the integration tests.</summary>
public static class GatewayApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root = beside the binaries: the shipped appsettings.json (quiet logging among others) applies
        // wherever the gateway is started from, as for mint-token and schema (run-local starts it from the repo root).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddGatewayStorage(builder.Configuration, GatewayTables.All);
        builder.Services.AddSingleton<PatientDirectoryStore>();
        builder.Services.AddSingleton<PatientDirectory>();
        builder.Services.AddSingleton<Units.Session.IUnitChangeJudge>(sp => new UnitChangeIntake(sp.GetRequiredService<PatientDirectory>(), sp.GetService<Audit.AuditLog>()));
        builder.Services.AddSingleton<UnitGateway>();
        builder.Services.AddSingleton<RoutedReads>();
        builder.Services.AddSingleton<LocalUnitSockets>();
        builder.Services.AddSingleton<WriteSubmitter>();
        builder.Services.AddSingleton<OperationLookup>();
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<UnitWriteLimiter>();
        builder.Services.AddGatewayAudit();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // Each folder brings the context of its own shapes (their types are disjoint, so the order is free).
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayApiJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, OpsJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(2, AuditJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(3, PushJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(4, Protocol.Codec.ProtocolJsonContext.Default);
        });
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var limits = context.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
            KestrelLimitDefaults.Apply(kestrel.Limits, context.Configuration);
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes; // Gateway:MaxRequestBodyBytes is the one body cap
        });

        builder.Services.AddProblemDetails();
        // A body read by an endpoint itself (FHIR parses its own) refuses with the status Kestrel or the body cap chose
        // (413, 408, 400), as minimal API binding does, not 500.
        builder.Services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddFhirOperationOutcomes(); // before the framework's writer: /fhir errors as OperationOutcome
        builder.Services.AddInputProblemDetails();
        builder.Services.AddProblemJsonFallback();
        builder.Services.AddGatewayTransportSecurity(builder.Configuration);
        builder.Services.AddExceptionHandler<DirectoryUnavailableHandler>();
        builder.Services.AddGatewayAuthentication(builder.Configuration, builder.Environment);
        builder.Services.AddHealthChecks();
        builder.Services.AddGatewayRateLimiting(builder.Configuration);
        builder.Services.AddRequestDrain();
        builder.Services.AddGatewayAkka();
        builder.Services.AddGatewayOpenApi(PatientApiExamples.All, OpsApiExamples.All, AuditApiExamples.All, PushApiExamples.All);
        builder.Services.AddOps();
        builder.AddGatewayTelemetry();

        var app = builder.Build();

        // Opens the database (SQLite: sets WAL, creates the gateway's tables) before Akka's journal touches it.
        GatewaySchema.CreateOnStart(app.Services);

        // A graceful stop: requests in flight finish, unit sockets close with 1001, then the node leaves the cluster
        // (ADR 18). Akka's coordinated shutdown does the same in its first phases, for whichever of the two comes first
        // (the host stopping, or Akka's shutdown when the node leaves or is downed); done once, the other finds it done.
        // Kestrel would otherwise wait for the unit sockets' long-running requests until its shutdown timeout.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<RequestDrain>().DrainAsync(app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.ShutdownDrainTimeout)
                .GetAwaiter().GetResult();
            UnitConnectionsHosting.CloseAllAsync(app.Services).GetAwaiter().GetResult();
        });

        app.UseExceptionHandler();
        app.UseRequestBodyCap(); // 413 that the client can read, however the body is sent
        app.UseGatewayTransportSecurity(); // HSTS + HTTPS redirection outside Development
        app.UseStatusCodePages(); // empty 401/403/404 bodies become problem+json too
        app.UseWebSockets();
        app.UseRequestDrain();
        app.UseMiddleware<AuditMiddleware>(); // before authentication: it also records 401s on patient routes
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: limits are per caller

        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Live) });
        app.MapGatewayApiDocs();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready),
            // The persistence checks report an open or half-open journal breaker as Degraded, which ASP.NET answers 200.
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable },
        });
        app.MapGatewayTelemetry();
        app.MapPatientReads();
        app.MapPatientWrites();
        app.MapOperations();
        app.MapFhir();
        app.MapAudit();
        app.MapPatientEvents();
        app.MapUnitSocket();
        app.MapDashboard();
        app.MapOps();
        return app;
    }
}
