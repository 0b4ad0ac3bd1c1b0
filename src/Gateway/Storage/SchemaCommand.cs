using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Microsoft.Extensions.Hosting;

namespace HealthGateway.Gateway.Storage;

/// <summary>
/// <c>schema apply [--Gateway:Storage:Provider PostgreSql --ConnectionStrings:Gateway ...]</c>: creates the
/// journal, snapshot and gateway tables once, before the nodes of a cluster start. Idempotent: a second
/// run changes nothing. The journal/snapshot DDL is Akka.Persistence.Sql's own (its auto-initialize, run
/// here in one process instead of racing on every node); gateway tables are the <see cref="IGatewayTable"/>s the caller names.
/// </summary>
public static class SchemaCommand
{
    public static async Task<int> RunAsync(string[] args, IReadOnlyList<IGatewayTable> tables)
    {
        if (args.FirstOrDefault() != "apply")
        {
            Console.Error.WriteLine("usage: schema apply [--Gateway:Storage:Provider Sqlite|PostgreSql] [--ConnectionStrings:Gateway <connection string>]");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args[1..])
            .Build();
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        try
        {
            var database = GatewayStorage.Create(storage, gateway, configuration);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            // Fail fast on a wrong address or credentials (the journal would retry its initialization for a while).
            await (await database.OpenConnectionAsync(timeout.Token)).DisposeAsync();
            await CreateJournalTablesAsync(database, timeout.Token);
            if (!await JournalIndex.TryCreateAsync(database, timeout.Token))
                throw new InvalidOperationException("the journal table was not created");
            await GatewaySchema.CreateAllAsync(database, tables, timeout.Token);
            Console.WriteLine($"schema applied ({database.Provider}): journal (+ {JournalIndex.Name}), snapshot, {string.Join(", ", tables.Select(t => t.Name))}");
            if (database is IAsyncDisposable disposable) await disposable.DisposeAsync();
            return 0;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or OperationCanceledException or SchemaException)
        {
            Console.Error.WriteLine($"schema apply failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Starts a throw-away actor system with the gateway's journal settings and auto-initialize on, and
    /// recovers one probe actor: recovery reads the snapshot store and the journal, so both have created
    /// their tables (or failed, which fails the recovery) by the time it completes.
    /// </summary>
    private static async Task CreateJournalTablesAsync(IGatewayDatabase database, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders(); // a command prints its result, not the host's lifecycle
        builder.Services.AddAkka("gateway-schema", akka => akka
            .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
            .WithSqlPersistence(
            connectionString: database.ConnectionString,
            providerName: database.LinqToDbProviderName,
            autoInitialize: true));
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var system = host.Services.GetRequiredService<ActorSystem>();
            system.ActorOf(Props.Create(() => new SchemaProbe(recovered)), "schema-probe");
            await recovered.Task.WaitAsync(ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private sealed class SchemaProbe : Akka.Persistence.UntypedPersistentActor
    {
        private readonly TaskCompletionSource _recovered;

        public SchemaProbe(TaskCompletionSource recovered) => _recovered = recovered;

        public override string PersistenceId => "gateway-schema-probe";

        protected override void OnRecover(object message)
        {
            if (message is Akka.Persistence.RecoveryCompleted)
            {
                _recovered.TrySetResult();
                Context.Stop(Self);
            }
        }

        protected override void OnCommand(object message) { }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _recovered.TrySetException(new SchemaException($"journal/snapshot tables not usable: {reason.Message}", reason));
            base.OnRecoveryFailure(reason, message);
        }
    }
}

/// <summary>The journal or snapshot tables could not be created or read.</summary>
public sealed class SchemaException(string message, Exception inner) : Exception(message, inner);
