using HealthGateway.Gateway;
using HealthGateway.Gateway.Auth;

// `mint-token` issues a dev token with the dev key and exits; anything else runs the gateway.
if (args.Length > 0 && args[0] == "mint-token")
    return MintTokenCommand.Run(args[1..]);

GatewayApp.Build(args).Run();
return 0;
