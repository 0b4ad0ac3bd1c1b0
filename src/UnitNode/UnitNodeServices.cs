using HealthGateway.UnitNode.Connection;
using HealthGateway.UnitNode.Handlers;
using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Seeding;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Telemetry;
using HealthGateway.UnitNode.Writes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode;

public static class UnitNodeServices
{
    /// <summary>Registers the store, handlers and gateway client. Options are validated when the host starts.</summary>
    public static IServiceCollection AddUnitNode(this IServiceCollection services, IConfiguration configuration, string contentRootPath)
    {
        services.AddOptions<UnitOptions>().Bind(configuration.GetSection(UnitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UnitOptions>, UnitOptionsValidator>();
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // A single value (e.g. the environment variable Gateway__PinnedCertificateSha256) is not bound to the list
        // by the binder; silently ignoring a pin would turn pinning off, so "pin1;pin2" is read as a list too.
        // The same for Gateway__Urls="wss://a;wss://b" (one variable is easier to hand a service than three).
        services.PostConfigure<GatewayOptions>(gateway =>
        {
            var section = configuration.GetSection(GatewayOptions.SectionName);
            gateway.PinnedCertificateSha256 = [.. gateway.PinnedCertificateSha256, .. SplitList(section[nameof(GatewayOptions.PinnedCertificateSha256)])];
            gateway.Urls = [.. gateway.Urls, .. SplitList(section[nameof(GatewayOptions.Urls)])];
        });

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new UnitIdentity(sp.GetRequiredService<IOptions<UnitOptions>>().Value.Id));
        services.AddSingleton(sp => new UnitDatabase(DatabasePath(sp.GetRequiredService<IOptions<UnitOptions>>().Value, contentRootPath)));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<UnitStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<DeliveryApplier>();

        services.AddSingleton<IRequestHandler, ListAppointmentsHandler>();
        services.AddSingleton<IRequestHandler, ListInvoicesHandler>();
        services.AddSingleton<IRequestHandler, GetRecordsHandler>();
        services.AddSingleton<IRequestHandler, GetDemographicsHandler>();
        services.AddSingleton<RequestDispatcher>();

        services.AddSingleton<GatewayConnectionStatus>();
        services.AddSingleton<BearerTokenSource>();
        services.AddSingleton<StoreInitializer>();
        // Order matters: the store is ready before the client connects (hosted services start sequentially).
        services.AddHostedService(sp => sp.GetRequiredService<StoreInitializer>());
        services.AddHostedService<GatewayClientService>();
        services.AddUnitNodeTelemetry(configuration);
        return services;
    }

    private static string[] SplitList(string? single) =>
        string.IsNullOrWhiteSpace(single) ? [] : single.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>{DataDirectory}/{Id}.db</c>; a relative directory is under the content root (the service folder, not System32).</summary>
    public static string DatabasePath(UnitOptions unit, string contentRootPath) =>
        Path.GetFullPath(Path.Combine(contentRootPath, unit.DataDirectory, unit.Id + ".db"));
}
