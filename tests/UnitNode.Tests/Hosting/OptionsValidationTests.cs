using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Tests.Hosting;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("ws://127.0.0.1:5080", false, true)]
    [InlineData("ws://localhost:5080", false, true)]
    [InlineData("ws://[::1]:5080", false, true)]
    [InlineData("wss://gateway.example", false, true)]
    [InlineData("ws://gateway.example", false, false)]
    [InlineData("ws://10.0.0.5:5080", false, false)]
    [InlineData("ws://10.0.0.5:5080", true, true)]
    [InlineData("http://127.0.0.1:5080", false, false)]
    [InlineData("not a url", false, false)]
    public void Plain_ws_is_allowed_only_to_loopback_unless_insecure_transport_is_allowed(string url, bool allowInsecure, bool valid)
    {
        var result = new GatewayOptionsValidator().Validate(null,
            new GatewayOptions { Url = url, Token = "t", AllowInsecureTransport = allowInsecure });
        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void A_token_or_token_file_is_required_and_delays_must_be_ordered()
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions
        {
            Url = "wss://gateway.example",
            ReconnectMinDelay = TimeSpan.FromSeconds(10),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        });
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:Token"));
        Assert.Contains(result.Failures!, f => f.Contains("Gateway:ReconnectMaxDelay"));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("unit-1", true)]
    [InlineData("clinic_42.b", true)]
    [InlineData("../etc", false)]
    [InlineData("unit/1", false)]
    public void The_unit_id_must_be_a_safe_file_name(string id, bool valid) =>
        Assert.Equal(valid, new UnitOptionsValidator().Validate(null, new UnitOptions { Id = id }).Succeeded);

    [Fact]
    public async Task The_host_refuses_to_start_with_a_clear_message()
    {
        using var directory = new TempDirectory();
        using var host = UnitNodeApp.Build([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Unit:DataDirectory"] = directory.Path,
            ["Gateway:Url"] = "ws://gateway.example",
            ["Gateway:Token"] = "t",
        }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Unit:Id is required", error.Message);
    }

    [Fact]
    public async Task The_insecure_url_is_refused_at_startup()
    {
        using var directory = new TempDirectory();
        using var host = UnitNodeApp.Build(["--Unit:Id", "unit-1"], configuration => configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Unit:DataDirectory"] = directory.Path,
                ["Gateway:Url"] = "ws://gateway.example",
                ["Gateway:Token"] = "t",
            }));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("unencrypted ws://", error.Message);
    }

    [Fact]
    public void Several_gateway_addresses_are_each_validated_and_one_is_needed()
    {
        var none = new GatewayOptionsValidator().Validate(null, new GatewayOptions { Token = "t" });
        Assert.Contains(none.Failures!, f => f.Contains("Gateway:Url or Gateway:Urls is required"));

        var oneBad = new GatewayOptionsValidator().Validate(null, new GatewayOptions
        {
            Urls = ["wss://gateway-1.example", "ws://gateway-2.example", "https://gateway-3.example"],
            Token = "t",
        });
        Assert.Contains(oneBad.Failures!, f => f.Contains("'ws://gateway-2.example' uses unencrypted ws://"));
        Assert.Contains(oneBad.Failures!, f => f.Contains("'https://gateway-3.example'"));
        Assert.DoesNotContain(oneBad.Failures!, f => f.Contains("gateway-1"));
    }

    [Fact]
    public void Url_and_Urls_combine_in_order_without_repeats_and_one_variable_may_list_several()
    {
        using var directory = new TempDirectory();
        using var host = UnitNodeApp.Build(["--Unit:Id", "unit-1"], configuration => configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Unit:DataDirectory"] = directory.Path,
                ["Gateway:Url"] = "ws://127.0.0.1:5081",
                // As the environment variable Gateway__Urls="ws://127.0.0.1:5081;ws://127.0.0.1:5082, ws://127.0.0.1:5083/".
                ["Gateway:Urls"] = "ws://127.0.0.1:5081;ws://127.0.0.1:5082, ws://127.0.0.1:5083/",
                ["Gateway:Token"] = "t",
            }));

        var endpoints = host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.UnitsEndpoints;

        Assert.Equal(["ws://127.0.0.1:5081/ws/units", "ws://127.0.0.1:5082/ws/units", "ws://127.0.0.1:5083/ws/units"],
            endpoints.Select(e => e.ToString()));
    }
}
