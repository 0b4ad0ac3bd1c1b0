using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Forged and out-of-policy tokens against a real gateway. A token that passes authentication
/// reaches the patient filter and gets 404 for an unknown patient; every attack must get 401.
/// </summary>
public sealed class JwtAttackTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;
    private ECDsaSecurityKey _key = null!;
    private AuthOptions _auth = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?>().Grant("acme", PartnerSetup.AllScopes, "unit-a"));
        _key = DevSigningKey.LoadOrCreate(DevSigningKey.DefaultPath(_gateway.DataDirectory));
        _auth = _gateway.Services.GetRequiredService<AuthOptions>();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private const string Patient = "p-attack";
    private const string Path = "/api/v1/patients/p-attack/appointments";

    private string Token(
        Action<SecurityTokenDescriptor>? change = null,
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.EcdsaSha256,
        IEnumerable<Claim>? claims = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _auth.Issuer,
            Audience = _auth.Audience,
            Subject = new ClaimsIdentity(claims ?? [new Claim("sub", Patient), new Claim("role", Roles.Patient)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? _key, algorithm),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private async Task<HttpStatusCode> StatusWith(string token) => (await _gateway.GetAsync(Path, token)).StatusCode;

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task A_well_formed_token_is_accepted_so_the_attacks_below_are_meaningful() =>
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(Token()));

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{Patient}}","role":"patient","iss":"{{_auth.Issuer}}","aud":"{{_auth.Audience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""")}.";
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(unsigned));
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_is_refused()
    {
        // The classic key-confusion attack: use the (public) verification key as an HMAC secret.
        var publicKeyPem = _key.ECDsa.ExportSubjectPublicKeyInfoPem();
        var hmacKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKeyPem)) { KeyId = _key.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Token(key: hmacKey, algorithm: SecurityAlgorithms.HmacSha256)));
    }

    [Fact]
    public async Task Expiry_is_enforced_at_the_edge_of_the_configured_skew()
    {
        var skew = _auth.ClockSkew;
        var justExpired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-5); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow - skew + TimeSpan.FromSeconds(10); });
        var longExpired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-5); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow - skew - TimeSpan.FromSeconds(10); });
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(justExpired));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(longExpired));
    }

    [Fact]
    public async Task Not_before_is_enforced_at_the_edge_of_the_configured_skew()
    {
        var skew = _auth.ClockSkew;
        var almostValid = Token(d => { d.NotBefore = DateTime.UtcNow + skew - TimeSpan.FromSeconds(10); d.IssuedAt = DateTime.UtcNow; d.Expires = d.NotBefore.Value.AddMinutes(5); });
        var notYet = Token(d => { d.NotBefore = DateTime.UtcNow + skew + TimeSpan.FromSeconds(10); d.IssuedAt = DateTime.UtcNow; d.Expires = d.NotBefore.Value.AddMinutes(5); });
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(almostValid));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(notYet));
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    public async Task A_wrong_issuer_or_audience_is_refused(string which) =>
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Token(d =>
        {
            if (which == "issuer") d.Issuer = "https://evil.example/";
            else d.Audience = "some-other-api";
        })));

    [Theory]
    [InlineData("unknown-key")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("http://127.0.0.1:1/jwks.json")]
    [InlineData("' OR 1=1 --")]
    public async Task A_kid_that_names_no_key_of_ours_is_refused_without_any_lookup(string kid)
    {
        // Our real private key, announced under an odd kid.
        var signedByUsButOddKid = Token(key: new ECDsaSecurityKey(_key.ECDsa) { KeyId = kid });
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(signedByUsButOddKid));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "an odd kid must not trigger a slow lookup");
    }

    [Fact]
    public async Task A_token_with_two_roles_is_refused() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Token(claims:
            [new Claim("sub", Patient), new Claim("role", Roles.Patient), new Claim("role", Roles.Unit)])));

    [Fact]
    public async Task A_token_living_longer_than_the_maximum_is_refused() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Token(d => d.Expires = DateTime.UtcNow + _auth.MaxTokenLifetime + TimeSpan.FromHours(1))));

    [Fact]
    public async Task A_token_signed_by_another_key_with_our_kid_is_refused()
    {
        var impostor = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = _key.KeyId };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Token(key: impostor)));
    }

    private Task<HttpStatusCode> PartnerStatusWith(object scope)
    {
        var claims = new Dictionary<string, object> { ["scope"] = scope };
        return StatusWith(Token(d => d.Claims = claims, claims: [new Claim("sub", "acme"), new Claim("role", Roles.Partner)]));
    }

    [Fact]
    public async Task A_partner_token_with_a_granted_scope_reaches_the_patient_check() =>
        Assert.Equal(HttpStatusCode.NotFound, await PartnerStatusWith("appointments.read"));

    [Fact]
    public async Task A_partner_scope_claim_sent_as_an_array_is_ignored()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await PartnerStatusWith(new[] { "appointments.read" }));
        Assert.Equal(HttpStatusCode.Forbidden, await PartnerStatusWith(new[] { "appointments.read", "billing.read" }));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("appointments.*")]
    [InlineData("appointments.read.all")]
    [InlineData("APPOINTMENTS.READ")]
    [InlineData("appointments.read,billing.read")]
    public async Task Unknown_or_odd_scope_names_grant_nothing(string scope) =>
        Assert.Equal(HttpStatusCode.Forbidden, await PartnerStatusWith(scope));

    [Fact]
    public async Task Unknown_scope_names_beside_a_known_one_are_ignored_not_fatal() =>
        Assert.Equal(HttpStatusCode.NotFound, await PartnerStatusWith("root appointments.read *"));

    [Fact]
    public async Task Attacks_leave_nothing_behind_but_one_anonymous_401_audit_row_each()
    {
        // The directory must hold a row (and the journal a table) so "unchanged" means something.
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-a"), "unit-a");
        await using (unit)
        {
            await unit.SendAsync(new HealthGateway.Protocol.Frames.EventBatch([TestEvents.Registered(1, Patient)]));
            Assert.IsType<HealthGateway.Protocol.Frames.Ack>(await unit.ReceiveAsync());
        }
        var tables = GatewayDb.RowCountsExceptAudit(_gateway.DataDirectory);
        var after = GatewayDb.LastAuditId(_gateway.DataDirectory);
        var publicKeyPem = _key.ECDsa.ExportSubjectPublicKeyInfoPem();
        var attacks = new[]
        {
            Token(key: new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKeyPem)) { KeyId = _key.KeyId }, algorithm: SecurityAlgorithms.HmacSha256),
            Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-10); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddMinutes(-5); }),
            Token(d => d.Issuer = "https://evil.example/"),
            Token(key: new ECDsaSecurityKey(_key.ECDsa) { KeyId = "../../etc/passwd" }),
            Token(claims: [new Claim("sub", Patient), new Claim("role", Roles.Patient), new Claim("role", Roles.Partner)]),
        };
        foreach (var token in attacks)
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, Path, token, WriteClient.Booking(DateTimeOffset.UtcNow.AddDays(3)));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(tables, GatewayDb.RowCountsExceptAudit(_gateway.DataDirectory));
        var rows = GatewayDb.AuditRowsAfter(_gateway.DataDirectory, after);
        Assert.Equal(attacks.Length, rows.Count);
        Assert.All(rows, r => Assert.Equal(("anonymous", "", Patient, "appointments", "write", 401), (r.Role, r.Subject, r.PatientId, r.Resource, r.Action, r.Status)));
    }

    [Fact]
    public void A_gateway_outside_development_without_an_authority_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HealthGateway.Gateway.GatewayApp.Build(["--environment", "Production"],
            b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DataDirectory"] = _temp.Sub("prod") })));
        Assert.Contains("Auth:Authority", error.Message);
    }
}
