using HealthGateway.Bench.Common;
using HealthGateway.Protocol.Contracts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace HealthGateway.Bench.SimulatedUnits;

/// <summary>
/// The SignalR variant of a unit for baseline (c): registers its patients with a hub call and answers
/// the server's <c>Read</c> client-result invocations with the bench payload.
/// </summary>
public sealed class SignalRUnit(int index, Uri server, string token, int patients, UnitStats stats)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var unitId = BenchIds.Unit(index);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hub/units"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .WithAutomaticReconnect()
            .Build();
        connection.On<string, AppointmentList>("Read", patientId =>
        {
            stats.OnRequest();
            return ReadPayload.For(patientId);
        });
        connection.Reconnected += async _ => await RegisterAsync(connection, unitId, ct);

        while (!ct.IsCancellationRequested)
        {
            try
            {
                await connection.StartAsync(ct);
                break;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                stats.OnConnectFailure();
                await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble()), ct);
            }
        }
        stats.OnAttached();
        await RegisterAsync(connection, unitId, ct);
        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
        await connection.DisposeAsync();
    }

    private async Task RegisterAsync(HubConnection connection, string unitId, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, patients).Select(p => BenchIds.Patient(index, p)).ToArray();
        await connection.InvokeAsync("Register", unitId, ids, ct);
        stats.OnRegistered();
    }
}
