using System.Net;
using System.Security.Cryptography;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.UnitNode.Connection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// HTTPS/WSS with a certificate made at test time and given through the standard Kestrel configuration:
/// HSTS outside Development, HTTP redirected to HTTPS, and a real UnitNode that attaches over wss:// only
/// when the gateway's key matches its pin.
/// </summary>
public sealed class TransportSecurityTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private TestCertificate _certificate = null!;

    public Task InitializeAsync()
    {
        _certificate = TestCertificate.Create(_temp.Sub("tls"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _certificate.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private Task<GatewayNode> StartHttpsGatewayAsync(string? environment = null, Dictionary<string, string?>? extra = null)
    {
        var settings = _certificate.HttpsEndpoint();
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings, environment: environment, httpHandler: _certificate.TrustingHandler());
    }

    private static async Task<HttpResponseMessage> GetByHostNameAsync(GatewayNode gateway, string path) =>
        await gateway.Http.GetAsync(new Uri($"https://{TestCertificate.HostName}:{gateway.BaseUrl.Port}{path}"));

    [Fact]
    public async Task Production_over_https_sends_Strict_Transport_Security()
    {
        await using var gateway = await StartHttpsGatewayAsync(environment: "Production");
        Assert.Equal(Uri.UriSchemeHttps, gateway.BaseUrl.Scheme);

        var response = await GetByHostNameAsync(gateway, "/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hsts = Assert.Single(response.Headers.GetValues("Strict-Transport-Security"));
        Assert.Contains("max-age=31536000", hsts);
    }

    [Fact]
    public async Task Development_sends_no_Strict_Transport_Security()
    {
        await using var gateway = await StartHttpsGatewayAsync(environment: "Development");

        var response = await GetByHostNameAsync(gateway, "/healthz/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Production_redirects_plain_http_to_the_https_endpoint()
    {
        await using var gateway = await StartHttpsGatewayAsync(environment: "Production",
            extra: new() { ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0" });
        var addresses = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var http = addresses.Single(a => a.Scheme == Uri.UriSchemeHttp);
        var https = addresses.Single(a => a.Scheme == Uri.UriSchemeHttps);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        var response = await client.GetAsync(new Uri(http, "/healthz/live"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(Uri.UriSchemeHttps, response.Headers.Location!.Scheme);
        Assert.Equal(https.Port, response.Headers.Location.Port);
    }

    private Dictionary<string, string?> Pinned(params string[] pins)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < pins.Length; i++) settings[$"Gateway:PinnedCertificateSha256:{i}"] = pins[i];
        return settings;
    }

    private static string PinOfAnotherKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(SHA256.HashData(other.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public async Task A_unit_with_the_right_pin_attaches_over_wss_and_serves_a_routed_read()
    {
        await using var gateway = await StartHttpsGatewayAsync();
        Assert.Equal("wss", gateway.WebSocketBase.Scheme);
        // The second pin stands for the next key during a rotation.
        var pins = Pinned(PinOfAnotherKey(), CertificatePins.PinOf(_certificate.Certificate));

        await using var unit = await UnitNodeHost.StartAsync("unit-tls", _temp.Sub("units"), gateway.WebSocketBase, gateway.UnitToken("unit-tls"),
            seedPatients: 2, settings: pins);
        await unit.WaitConnectedAsync();

        var patientId = (await unit.PatientIdsAsync())[0];
        await Eventually.AssertAsync(async () =>
        {
            var response = await gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", gateway.PatientToken(patientId));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
    }

    [Fact]
    public async Task A_unit_with_a_wrong_pin_or_no_pin_never_attaches_to_a_self_signed_gateway()
    {
        await using var gateway = await StartHttpsGatewayAsync();

        await using var wrongPin = await UnitNodeHost.StartAsync("unit-wrong-pin", _temp.Sub("units"), gateway.WebSocketBase,
            gateway.UnitToken("unit-wrong-pin"), seedPatients: 1, settings: Pinned(PinOfAnotherKey()));
        // No pin: normal chain validation, and nobody trusts this self-signed certificate.
        await using var noPin = await UnitNodeHost.StartAsync("unit-no-pin", _temp.Sub("units"), gateway.WebSocketBase,
            gateway.UnitToken("unit-no-pin"), seedPatients: 1);

        // Several attempts, each refused at the TLS handshake: the unit keeps retrying and never connects.
        Assert.True(await wrongPin.Connection.WaitUntilAsync(c => c.ConnectAttempts >= 3 || c.ConnectedCount > 0, TimeSpan.FromSeconds(60)));
        Assert.True(await noPin.Connection.WaitUntilAsync(c => c.ConnectAttempts >= 3 || c.ConnectedCount > 0, TimeSpan.FromSeconds(60)));
        Assert.Equal(0, wrongPin.Connection.ConnectedCount);
        Assert.Equal(0, noPin.Connection.ConnectedCount);
        Assert.Contains("matches none of Gateway:PinnedCertificateSha256", wrongPin.Connection.LastError);
        Assert.Null(wrongPin.Connection.LastHttpStatus); // refused before any HTTP request was sent

        foreach (var unitId in new[] { "unit-wrong-pin", "unit-no-pin" })
        {
            var status = await gateway.Region.Ask<UnitSessionReplies.SessionStatus>(new UnitSessionCommands.GetStatus(unitId), TimeSpan.FromSeconds(10));
            Assert.False(status.Connected);
            Assert.Null(status.LastAttachedAt);
        }
        var patientId = (await wrongPin.PatientIdsAsync())[0];
        var read = await gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", gateway.PatientToken(patientId));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode); // its patients never reached the directory
    }
}
