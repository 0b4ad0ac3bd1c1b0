using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthGateway.Gateway.Audit;

public static class AuditHosting
{
    /// <summary>The audit trail: its SQL store (unless one is registered already, e.g. by a test) and its single writer.</summary>
    public static IServiceCollection AddGatewayAudit(this IServiceCollection services)
    {
        services.TryAddSingleton<IAuditStore, SqlAuditStore>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        return services;
    }
}
