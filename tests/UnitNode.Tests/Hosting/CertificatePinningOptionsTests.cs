using System.Security.Cryptography;
using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Tests.Hosting;

/// <summary><c>Gateway:PinnedCertificateSha256</c>: format and transport checked when the host starts.</summary>
public sealed class CertificatePinningOptionsTests
{
    private static readonly string ValidPin = Convert.ToBase64String(SHA256.HashData("some key"u8));

    private static ValidateOptionsResult Validate(string url, params string[] pins) =>
        new GatewayOptionsValidator().Validate(null, new GatewayOptions { Url = url, Token = "t", PinnedCertificateSha256 = pins });

    [Fact]
    public void A_base64_SHA256_pin_with_wss_is_valid() => Assert.True(Validate("wss://gateway.example", ValidPin, ValidPin).Succeeded);

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")] // base64, but 3 bytes
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")] // hex: the format is base64
    public void A_pin_that_is_not_a_base64_SHA256_is_refused(string pin)
    {
        var result = Validate("wss://gateway.example", pin);
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:PinnedCertificateSha256") && f.Contains("base64"));
    }

    [Fact]
    public void A_pin_with_plain_ws_is_refused()
    {
        var result = Validate("ws://127.0.0.1:5080", ValidPin);
        Assert.Contains(result.Failures!, f => f.Contains("needs a wss://"));
    }

    [Fact]
    public void A_pin_list_or_a_single_separated_value_reaches_the_options()
    {
        using var directory = new TempDirectory();
        var other = Convert.ToBase64String(SHA256.HashData("next key"u8));
        using var host = UnitNodeApp.Build([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Unit:Id"] = "unit-1",
            ["Unit:DataDirectory"] = directory.Path,
            ["Gateway:Url"] = "wss://gateway.example",
            ["Gateway:Token"] = "t",
            // As an environment variable Gateway__PinnedCertificateSha256 would give it: one value, two pins.
            ["Gateway:PinnedCertificateSha256"] = $"{ValidPin};{other}",
        }));

        var options = host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        Assert.Equal([ValidPin, other], options.PinnedCertificateSha256);
    }

    [Fact]
    public async Task A_bad_pin_stops_the_host_at_startup()
    {
        using var directory = new TempDirectory();
        using var host = UnitNodeApp.Build([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Unit:Id"] = "unit-1",
            ["Unit:DataDirectory"] = directory.Path,
            ["Gateway:Url"] = "wss://gateway.example",
            ["Gateway:Token"] = "t",
            ["Gateway:PinnedCertificateSha256:0"] = "sha256/abc",
        }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("PinnedCertificateSha256", error.Message);
    }
}
