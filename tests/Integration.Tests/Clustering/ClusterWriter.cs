using System.Net;
using System.Net.Http.Json;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// A well-behaved API client of a gateway cluster: each booking carries an Idempotency-Key and is retried
/// with the same key on any running node after 503 or a broken connection, until it is accepted. Anything
/// but 2xx/503 fails the test. Counts what it saw, so tests can show the outage answered 503.
/// </summary>
public sealed class ClusterWriter(GatewayCluster cluster, string clinician)
{
    private int _unavailable;
    private int _connectionFailures;

    private int _accepted;

    public int Accepted => _accepted;
    public int ServiceUnavailable => _unavailable;
    public int ConnectionFailures => _connectionFailures;

    public static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero).AddHours(n);

    /// <summary>One attempt, no retry: the status code (0 when the connection failed).</summary>
    public static async Task<int> BookOnceAsync(Infrastructure.GatewayProcess node, string patientId, string token, int slot, string clinician)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Prefer", "respond-async");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Content = JsonContent.Create(new { startsAt = Slot(slot), durationMinutes = 30, clinician, reason = "cluster fault test" });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var response = await node.Http.SendAsync(request, timeout.Token);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Books slot <paramref name="slot"/> for the patient; returns the operation id once a node answered 2xx.</summary>
    public async Task<string> BookUntilAcceptedAsync(string patientId, string token, int slot, TimeSpan? within = null)
    {
        var key = Guid.NewGuid().ToString();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(2));
        for (var attempt = 0; ; attempt++)
        {
            var node = cluster.AnyRunning(slot + attempt + patientId.GetHashCode());
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments");
                request.Headers.Authorization = new("Bearer", token);
                request.Headers.Add("Prefer", "respond-async");
                request.Headers.Add("Idempotency-Key", key);
                request.Content = JsonContent.Create(new { startsAt = Slot(slot), durationMinutes = 30, clinician, reason = "cluster fault test" });
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var response = await node.Http.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _accepted);
                    return response.Headers.Location!.ToString().Split('/')[^1];
                }
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    Assert.Fail($"booking answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Interlocked.Increment(ref _unavailable);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _connectionFailures);
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"booking for {patientId} not accepted within the deadline");
            await Task.Delay(200); // a client's retry pause (it would honour Retry-After; shortened for the test)
        }
    }
}
