using HealthGateway.AppHost;

// `dotnet run --project src/AppHost [-- --cluster]`: the gateway(s) and units as Aspire resources, their traces,
// metrics and logs in the Aspire dashboard (Aspire sets OTEL_EXPORTER_OTLP_ENDPOINT for every project).
var clusterSwitch = args.Contains(AppHostSettings.ClusterSwitch);
var builder = DistributedApplication.CreateBuilder(args.Where(a => a != AppHostSettings.ClusterSwitch).ToArray());
var settings = AppHostSettings.From(builder.Configuration, builder.AppHostDirectory, clusterSwitch);
var tokens = new DevTokens(new Projects.Gateway().ProjectPath, settings.GatewayDataDirectory);

IResourceBuilder<ExecutableResource>? schema = null;
if (settings.Cluster)
{
    if (PostgresReachability.Problem(settings.PostgresConnection) is { } problem)
    {
        Console.Error.WriteLine($"--cluster: {problem}. Start one (scripts/ci-postgres.sh) or set ConnectionStrings__Gateway.");
        return 1;
    }
    // Not a container (no Docker needed): the PostgreSQL at ConnectionStrings:Gateway must be running already.
    schema = builder.AddExecutable("schema", "dotnet", settings.RepoRoot,
        tokens.GatewayDll, "schema", "apply", "--Gateway:Storage:Provider", "PostgreSql", "--ConnectionStrings:Gateway", settings.PostgresConnection);
}

var gateways = new List<IResourceBuilder<ProjectResource>>();
for (var i = 1; i <= settings.Gateways; i++)
{
    var name = settings.Cluster ? $"gateway-{i}" : "gateway";
    var gateway = builder.AddProject<Projects.Gateway>(name)
        .WithHttpEndpoint(port: settings.GatewayPort + i - 1, name: "http")
        .WithHttpHealthCheck("/healthz/ready")
        .WithEnvironment("Auth__AllowDevKey", "true")
        .WithEnvironment("Gateway__DataDirectory", settings.GatewayDataDirectory)
        // Development serves /docs (Scalar); projects without a launch profile would otherwise run as Production.
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
    if (settings.Cluster)
    {
        gateway.WithEnvironment("Gateway__ClusterPort", (4153 + i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Gateway__Storage__Provider", "PostgreSql")
            .WithEnvironment("ConnectionStrings__Gateway", settings.PostgresConnection)
            .WaitForCompletion(schema!);
        for (var seed = 0; seed < 3; seed++)
        {
            var seedNode = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"akka.tcp://gateway@127.0.0.1:{4153 + seed}");
            gateway.WithEnvironment($"Gateway__SeedNodes__{seed}", seedNode);
        }
    }
    gateways.Add(gateway);
}

// An admin token for `hgw` and the dashboard, kept under .data/ (ignored by git), never in the repo root.
var adminToken = tokens.MintToFile(Path.Combine(settings.TokenDirectory, "admin.jwt"), "admin", "aspire-admin", TimeSpan.FromHours(12));
Console.WriteLine($"Gateway: http://127.0.0.1:{settings.GatewayPort} (/docs, /ops); admin token (12 h): {Path.GetRelativePath(settings.RepoRoot, adminToken)}");

for (var i = 1; i <= settings.Units; i++)
{
    var unitId = $"unit-{i}";
    var unit = builder.AddProject<Projects.UnitNode>(unitId)
        .WithArgs("--Unit:Id", unitId, "--Unit:DataDirectory", settings.UnitsDataDirectory, "--seed-patients", settings.Patients.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithEnvironment("Gateway__TokenFile", tokens.MintToFile(Path.Combine(settings.TokenDirectory, $"{unitId}.jwt"), "unit", unitId, TimeSpan.FromDays(1)))
        .WaitFor(gateways[(i - 1) % gateways.Count]);
    // Every gateway, its home node first: a unit fails over when a node dies (ADR 15).
    for (var k = 0; k < gateways.Count; k++)
    {
        var endpoint = gateways[(i - 1 + k) % gateways.Count].GetEndpoint("http");
        unit.WithEnvironment($"Gateway__Urls__{k}", ReferenceExpression.Create($"ws://{endpoint.Property(EndpointProperty.HostAndPort)}"));
    }
}

builder.Build().Run();
return 0;
