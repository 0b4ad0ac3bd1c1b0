namespace HealthGateway.Gateway.Auth;

/// <summary>
/// <c>mint-token --role patient --sub p-123 [--lifetime 01:00:00] [--scope "appointments.read billing.read"]</c>
/// (a day is <c>1.00:00:00</c>): prints a dev token signed with the dev key of the configured data directory.
/// <c>--scope</c> takes space-separated names and may be repeated; unknown names are refused (the gateway would ignore them).
/// Configuration keys (<c>--Gateway:DataDirectory</c>, <c>--Auth:Issuer</c>, ...) work as for the gateway.
/// </summary>
public static class MintTokenCommand
{
    public static int Run(string[] args)
    {
        string? role = null, subject = null;
        var lifetime = TimeSpan.FromHours(1);
        var scopes = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--role": role = value; i++; break;
                case "--sub": subject = value; i++; break;
                case "--lifetime": lifetime = TimeSpan.Parse(value ?? "", System.Globalization.CultureInfo.InvariantCulture); i++; break;
                case "--scope": if (value is not null) scopes.AddRange(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); i++; break;
                default: rest.Add(args[i]); break;
            }
        }

        if (role is null || subject is null || !Roles.All.Contains(role))
        {
            Console.Error.WriteLine($"usage: mint-token --role <{string.Join('|', Roles.All)}> --sub <id> [--lifetime hh:mm:ss] [--scope \"s1 s2\"]...");
            return 2;
        }
        if (scopes.FirstOrDefault(s => !Scopes.All.Contains(s) && !SmartScopes.TryParse(s, out _, out _)) is { } unknown)
        {
            Console.Error.WriteLine($"unknown scope '{unknown}'; known: {string.Join(' ', Scopes.All)} or SMART v2 names (docs/fhir.md)");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(rest.ToArray())
            .Build();
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            Console.Error.WriteLine("Auth:Authority is set: tokens come from that issuer, not from this command.");
            return 2;
        }
        if (lifetime <= TimeSpan.Zero || lifetime > options.MaxTokenLifetime)
        {
            Console.Error.WriteLine($"--lifetime must be above zero and at most Auth:MaxTokenLifetime ({options.MaxTokenLifetime}); the gateway refuses longer tokens.");
            return 2;
        }
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var key = DevSigningKey.LoadOrCreate(options.DevSigningKeyPath ?? DevSigningKey.DefaultPath(gateway.DataDirectory));
        Console.WriteLine(new TokenIssuer(key, options).Mint(role, subject, lifetime, scopes.Distinct()));
        return 0;
    }
}
