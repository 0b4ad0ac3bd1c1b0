using System.Net.Http.Headers;
using System.Text;
using HealthGateway.Bench.Common;

namespace HealthGateway.Bench.LoadGen;

/// <summary>
/// Random (seeded) patients over the simulated units' id space, each with its own patient token
/// (minted up front with the gateway's dev key, so the server's token cache sees one token per patient).
/// </summary>
public sealed class RequestFactory
{
    private const string WriteBody = """{"startsAt":"2030-01-01T09:00:00Z","durationMinutes":30,"clinician":"Dr. Bench","reason":"bench"}""";

    private readonly Uri _server;
    private readonly bool _write;
    private readonly (string PatientId, string Authorization)[] _patients;
    private readonly Random _random;

    public RequestFactory(Uri server, BenchTokens tokens, int firstUnit, int units, int patientsPerUnit, int seed, bool write)
    {
        _server = server;
        _write = write;
        _random = new Random(seed);
        _patients = new (string, string)[units * patientsPerUnit];
        for (var u = 0; u < units; u++)
            for (var p = 0; p < patientsPerUnit; p++)
            {
                var id = BenchIds.Patient(firstUnit + u, p);
                _patients[u * patientsPerUnit + p] = (id, "Bearer " + tokens.Patient(id));
            }
    }

    public HttpRequestMessage Next()
    {
        int index;
        lock (_random) index = _random.Next(_patients.Length);
        var (patientId, authorization) = _patients[index];
        var request = new HttpRequestMessage(_write ? HttpMethod.Post : HttpMethod.Get,
            new Uri(_server, $"/api/v1/patients/{patientId}/appointments"));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (_write)
        {
            request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
            request.Content = new StringContent(WriteBody, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        return request;
    }
}
