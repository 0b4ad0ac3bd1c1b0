using HealthGateway.Gateway;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Health;
using HealthGateway.Gateway.Storage;

// Verbs run and exit; anything else runs the gateway.
return args.FirstOrDefault() switch
{
    "mint-token" => MintTokenCommand.Run(args[1..]),
    "healthcheck" => await HealthCheckCommand.RunAsync(args[1..]),
    "schema" => await SchemaCommand.RunAsync(args[1..], GatewayTables.All),
    _ => await RunGatewayAsync(args),
};

static async Task<int> RunGatewayAsync(string[] args)
{
    await GatewayApp.Build(args).RunAsync();
    return 0;
}
