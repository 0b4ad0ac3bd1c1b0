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
/// reaches the patient filter and gets 404 for an unknown patient; every attack must get 401 with an
/// RFC 6750 challenge (<c>Bearer error="invalid_token", error_description="..."</c>; a bare <c>Bearer</c> when
/// no token was sent) and a problem+json <c>detail</c> naming the check that failed, and nothing from the token.
/// </summary>
public sealed class JwtAttackTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly CapturedLogs _logs = new();
    private GatewayNode _gateway = null!;
    private ECDsaSecurityKey _key = null!;
    private AuthOptions _auth = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            // What an operator turning up authentication logs would get: JwtBearer's own lines must still stay out.
            ["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Debug",
        }.Grant("acme", PartnerSetup.AllScopes, "unit-a");
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings, services: s => s.AddSingleton<ILoggerProvider>(_logs));
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

    private async Task AssertRefusedAsync(string token, TokenRejection expected) =>
        await AssertChallengeAsync(await _gateway.GetAsync(Path, token), expected, token);

    /// <summary>401, the challenge header, problem+json whose detail is the rejection's sentence; no library message, no token piece.</summary>
    private static async Task AssertChallengeAsync(HttpResponseMessage response, TokenRejection expected, string? token)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.NonValidated["WWW-Authenticate"]);
        Assert.Equal(expected.Challenge, challenge);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(expected.Description, problem.GetProperty("detail").GetString());
        AssertNothingLeaks(body + challenge, token);
    }

    private static void AssertNothingLeaks(string answer, string? token)
    {
        Assert.DoesNotContain("IDX", answer); // IdentityModel's messages, which can quote the token or name keys
        Assert.DoesNotContain("Exception", answer);
        foreach (var part in (token ?? "").Split('.').Where(p => p.Length >= 8))
            Assert.DoesNotContain(part, answer);
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task A_well_formed_token_is_accepted_so_the_attacks_below_are_meaningful() =>
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(Token()));

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{Patient}}","role":"patient","iss":"{{_auth.Issuer}}","aud":"{{_auth.Audience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""")}.";
        await AssertRefusedAsync(unsigned, TokenRejection.Algorithm);
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_is_refused()
    {
        // The classic key-confusion attack: use the (public) verification key as an HMAC secret.
        var publicKeyPem = _key.ECDsa.ExportSubjectPublicKeyInfoPem();
        var hmacKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publicKeyPem)) { KeyId = _key.KeyId };
        await AssertRefusedAsync(Token(key: hmacKey, algorithm: SecurityAlgorithms.HmacSha256), TokenRejection.Algorithm);
    }

    [Fact]
    public async Task Expiry_is_enforced_at_the_edge_of_the_configured_skew()
    {
        var skew = _auth.ClockSkew;
        var justExpired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-5); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow - skew + TimeSpan.FromSeconds(10); });
        var longExpired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-5); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow - skew - TimeSpan.FromSeconds(10); });
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(justExpired));
        await AssertRefusedAsync(longExpired, TokenRejection.Expired);
    }

    [Fact]
    public async Task Not_before_is_enforced_at_the_edge_of_the_configured_skew()
    {
        var skew = _auth.ClockSkew;
        var almostValid = Token(d => { d.NotBefore = DateTime.UtcNow + skew - TimeSpan.FromSeconds(10); d.IssuedAt = DateTime.UtcNow; d.Expires = d.NotBefore.Value.AddMinutes(5); });
        var notYet = Token(d => { d.NotBefore = DateTime.UtcNow + skew + TimeSpan.FromSeconds(10); d.IssuedAt = DateTime.UtcNow; d.Expires = d.NotBefore.Value.AddMinutes(5); });
        Assert.Equal(HttpStatusCode.NotFound, await StatusWith(almostValid));
        await AssertRefusedAsync(notYet, TokenRejection.NotYetValid);
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    public async Task A_wrong_issuer_or_audience_is_refused(string which) =>
        await AssertRefusedAsync(Token(d =>
        {
            if (which == "issuer") d.Issuer = "https://evil.example/";
            else d.Audience = "some-other-api";
        }), which == "issuer" ? TokenRejection.Issuer : TokenRejection.Audience);

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
        await AssertRefusedAsync(signedByUsButOddKid, TokenRejection.Signature);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "an odd kid must not trigger a slow lookup");
    }

    [Fact]
    public async Task A_token_with_two_roles_is_refused() =>
        await AssertRefusedAsync(Token(claims:
            [new Claim("sub", Patient), new Claim("role", Roles.Patient), new Claim("role", Roles.Unit)]), TokenRejection.Identity);

    [Fact]
    public async Task A_token_with_an_empty_subject_is_refused() =>
        await AssertRefusedAsync(Token(claims: [new Claim("sub", ""), new Claim("role", Roles.Patient)]), TokenRejection.Identity);

    [Fact]
    public async Task A_token_living_longer_than_the_maximum_is_refused() =>
        await AssertRefusedAsync(Token(d => d.Expires = DateTime.UtcNow + _auth.MaxTokenLifetime + TimeSpan.FromHours(1)), TokenRejection.LifetimeTooLong);

    [Fact]
    public async Task A_token_without_an_expiry_is_refused()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _auth.Issuer,
            Audience = _auth.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", Patient), new Claim("role", Roles.Patient)]),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        };
        var forever = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
        await AssertRefusedAsync(forever, TokenRejection.NoLifetime);
    }

    [Fact]
    public async Task A_token_of_another_type_is_refused() =>
        await AssertRefusedAsync(Token(d => d.TokenType = "id_token+jwt"), TokenRejection.TokenType);

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9")]
    public async Task A_malformed_token_is_refused(string garbage) =>
        await AssertRefusedAsync(garbage, TokenRejection.Malformed);

    [Theory]
    [InlineData(null)]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    public async Task No_bearer_token_gets_a_bare_Bearer_challenge_without_an_error_code(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await _gateway.Http.SendAsync(request);

        await AssertChallengeAsync(response, TokenRejection.Missing, null);
        Assert.Equal("Bearer", Assert.Single(response.Headers.NonValidated["WWW-Authenticate"])); // RFC 6750 3.1: no error without a token
    }

    [Fact]
    public async Task The_challenge_has_the_RFC_6750_form()
    {
        // Pinned literally once, so a change of format shows up here and not only through TokenRejection.
        var expired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-10); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddMinutes(-5); });
        var response = await _gateway.GetAsync(Path, expired);
        Assert.Equal("""Bearer error="invalid_token", error_description="The bearer token has expired." """.TrimEnd(),
            Assert.Single(response.Headers.NonValidated["WWW-Authenticate"]));
    }

    public static TheoryData<string, string[]> OtherEntryPoints => new()
    {
        // A unit's socket upgrade, with the subprotocol, as a unit written from docs/protocol.md sends it.
        { "/ws/units", ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: hgw.v1"] },
        // A patient's event stream, both ways.
        { $"/api/v1/patients/{Patient}/events", ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="] },
        { $"/api/v1/patients/{Patient}/events", ["Accept: text/event-stream"] },
    };

    [Theory]
    [MemberData(nameof(OtherEntryPoints))]
    public async Task Sockets_and_streams_answer_a_bad_or_missing_token_the_same_way(string path, string[] headers)
    {
        var expired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-10); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddMinutes(-5); });
        foreach (var (token, expected) in new[] { (expired, TokenRejection.Expired), ((string?)null, TokenRejection.Missing), ("a.b.c", TokenRejection.Malformed) })
        {
            await using var raw = await RawHttpConnection.OpenAsync(_gateway.BaseUrl);
            Assert.Equal(401, await raw.RequestAsync("GET", path, token, headers: headers));
            Assert.Equal(expected.Challenge, Assert.Single(raw.Header("WWW-Authenticate")));
            Assert.StartsWith("application/problem+json", Assert.Single(raw.Header("Content-Type")));
            Assert.Equal(expected.Description, System.Text.Json.JsonDocument.Parse(raw.ResponseBody).RootElement.GetProperty("detail").GetString());
            AssertNothingLeaks(raw.Received, token);
        }
    }

    [Fact]
    public async Task A_refused_token_is_logged_as_one_line_with_its_reason_and_no_stack_trace()
    {
        var expired = Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(-10); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddMinutes(-5); });
        var before = _logs.Lines.Count;

        await AssertRefusedAsync(expired, TokenRejection.Expired);

        var lines = _logs.Lines.Skip(before).ToList();
        var rejection = Assert.Single(lines, l => l.Category.StartsWith("HealthGateway", StringComparison.Ordinal) && l.Message.Contains("token", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(LogLevel.Information, rejection.Level);
        Assert.Contains("(expired)", rejection.Message);
        Assert.Null(rejection.Exception);
        Assert.DoesNotContain(Patient, rejection.Message); // the route pattern, not the path
        Assert.All(lines, l => Assert.Null(l.Exception));
        Assert.DoesNotContain(lines, l => l.Category.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));
        AssertNothingLeaks(string.Join("\n", lines.Select(l => l.Message)), expired);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_with_our_kid_is_refused()
    {
        var impostor = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = _key.KeyId };
        await AssertRefusedAsync(Token(key: impostor), TokenRejection.Signature);
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
        var expected = new[] { TokenRejection.Algorithm, TokenRejection.Expired, TokenRejection.Issuer, TokenRejection.Signature, TokenRejection.Identity };
        foreach (var (token, rejection) in attacks.Zip(expected))
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, Path, token, WriteClient.Booking(DateTimeOffset.UtcNow.AddDays(3)));
            await AssertChallengeAsync(response, rejection, token);
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
