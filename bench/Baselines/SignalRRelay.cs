using System.Collections.Concurrent;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HealthGateway.Bench.Baselines;

/// <summary>
/// Baseline (c): what a .NET team would reach for. Units connect to a SignalR hub and register their
/// patients; a read is <c>Clients.Client(id).InvokeAsync&lt;AppointmentList&gt;("Read", ...)</c> (client results).
/// </summary>
public static class SignalRRelay
{
    public static void Map(WebApplication app)
    {
        app.MapHub<UnitHub>("/hub/units").RequireAuthorization("unit");
        app.MapGet("/api/v1/patients/{patientId}/appointments", async (string patientId, HttpContext http, IHubContext<UnitHub> hub, UnitRegistry registry) =>
            {
                if (!registry.Patients.TryGetValue(patientId, out var unitId) || !registry.Connections.TryGetValue(unitId, out var connectionId))
                    return Results.NotFound();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                deadline.CancelAfter(TimeSpan.FromSeconds(5));
                var list = await hub.Clients.Client(connectionId).InvokeAsync<AppointmentList>("Read", patientId, deadline.Token);
                return list.PatientId == patientId
                    ? Results.Json(list, ProtocolJsonContext.Default.AppointmentList)
                    : Results.StatusCode(502);
            })
            .RequireAuthorization("patient").AddEndpointFilter<SamePatientFilter>();
    }
}

/// <summary>unit id -> SignalR connection id, patient id -> unit id.</summary>
public sealed class UnitRegistry
{
    public ConcurrentDictionary<string, string> Connections { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, string> Patients { get; } = new(StringComparer.Ordinal);
}

public sealed class UnitHub(UnitRegistry registry) : Hub
{
    public void Register(string unitId, string[] patientIds)
    {
        if (Context.User?.FindFirst("sub")?.Value != unitId) throw new HubException("unit id does not match the token");
        registry.Connections[unitId] = Context.ConnectionId;
        foreach (var patientId in patientIds) registry.Patients[patientId] = unitId;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var entry in registry.Connections)
            if (entry.Value == Context.ConnectionId) registry.Connections.TryRemove(entry);
        return base.OnDisconnectedAsync(exception);
    }
}
