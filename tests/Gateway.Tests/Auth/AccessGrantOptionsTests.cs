using HealthGateway.Gateway.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Tests.Auth;

public sealed class AccessGrantOptionsTests
{
    private static AccessGrantOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new AccessGrantOptions();
        configuration.GetSection(AccessGrantOptions.PartnersSection).Bind(options.Partners);
        configuration.GetSection(AccessGrantOptions.AdminsSection).Bind(options.Admins);
        return options;
    }

    [Fact]
    public void Grants_bind_from_configuration_and_validate()
    {
        var options = Bind(new()
        {
            ["Partners:acme:Scopes:0"] = "appointments.read",
            ["Partners:acme:Scopes:1"] = "billing.write",
            ["Partners:acme:Units:0"] = "unit-a",
            ["Authorization:Admins:auditor:Scopes:0"] = "records.read",
            ["Authorization:Admins:auditor:Units:0"] = "unit-b",
        });
        Assert.Equal(["appointments.read", "billing.write"], options.Partners["acme"].Scopes);
        Assert.Equal(["unit-a"], options.Partners["acme"].Units);
        Assert.Equal(["unit-b"], options.For(Roles.Admin, "auditor")!.Units);
        Assert.Null(options.For(Roles.Patient, "acme"));
        Assert.True(new AccessGrantOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("Partners:acme:Scopes:0", "appointments.read", "Units must name at least one unit")]
    [InlineData("Partners:acme:Units:0", "unit-a", "Scopes must name at least one scope")]
    public void A_grant_without_units_or_scopes_fails(string key, string value, string message)
    {
        var result = new AccessGrantOptionsValidator().Validate(null, Bind(new() { [key] = value }));
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void An_unknown_scope_name_fails()
    {
        var result = new AccessGrantOptionsValidator().Validate(null, Bind(new()
        {
            ["Partners:acme:Scopes:0"] = "appointments.readwrite",
            ["Partners:acme:Units:0"] = "unit-a",
        }));
        Assert.True(result.Failed);
        Assert.Contains("unknown scope 'appointments.readwrite'", result.FailureMessage);
    }

    [Fact]
    public void The_gateway_validates_grants_on_start()
    {
        var services = new ServiceCollection();
        services.AddOptions<AccessGrantOptions>().Configure(o => o.Partners["acme"] = new AccessGrant { Scopes = ["x"] });
        services.AddSingleton<IValidateOptions<AccessGrantOptions>, AccessGrantOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AccessGrantOptions>>().Value);
    }
}
