using System.Data.Common;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql.Hosting;
using HealthGateway.Gateway.Hosting;
using HealthGateway.Gateway.Storage;
using LinqToDB;
using LinqToDB.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace HealthGateway.Gateway.Tests.Storage;

/// <summary>
/// Journal writes on a real SQLite file through Akka.Persistence.Sql with the gateway's tuning: events
/// persisted concurrently share transactions (group commit, ADR 11). Every journal transaction opens
/// one connection, so counting opens counts transactions.
/// </summary>
public sealed class JournalGroupCommitSpecs(ITestOutputHelper output) : IDisposable
{
    // Many sessions with one write each, as at the gateway: an actor batches its own events by itself,
    // so only the journal can put different actors' events into one transaction.
    private const int Actors = 300;
    private const int EventsPerActor = 1;
    private const int Events = Actors * EventsPerActor;

    private readonly TempDatabase _db = new();

    [Fact]
    public async Task Concurrent_events_share_transactions_on_sqlite()
    {
        var transactions = await TransactionsForConcurrentEventsAsync(_db.Database.PersistenceDataOptions);
        output.WriteLine($"{Events} events in {transactions} transactions");

        Assert.InRange(transactions, 1, Events / 4);
    }

    [Fact]
    public async Task Without_the_yield_on_open_each_event_is_its_own_transaction()
    {
        // Documents why AsynchronousConnectionOpen exists: should Akka.Persistence.Sql or
        // Microsoft.Data.Sqlite start batching by themselves, this fails and the interceptor can go.
        var plain = new DataOptions().UseConnectionString(_db.Database.LinqToDbProviderName, _db.Database.ConnectionString);

        var transactions = await TransactionsForConcurrentEventsAsync(plain);
        output.WriteLine($"{Events} events in {transactions} transactions");

        Assert.InRange(transactions, Events * 9 / 10, Events);
    }

    [Fact]
    public void Only_sqlite_needs_the_yield()
    {
        Assert.Contains(AsynchronousConnectionOpen.Instance, Interceptors(_db.Database.PersistenceDataOptions));
        using var postgres = new PostgreSqlDatabase("Host=localhost;Database=unused");
        Assert.DoesNotContain(AsynchronousConnectionOpen.Instance, Interceptors(postgres.PersistenceDataOptions));
    }

    private static IReadOnlyList<IInterceptor> Interceptors(DataOptions options) => options.DataContextOptions.Interceptors ?? [];

    /// <summary>Recovers <see cref="Actors"/> actors, then has each persist <see cref="EventsPerActor"/> events at once.</summary>
    private static async Task<int> TransactionsForConcurrentEventsAsync(DataOptions options)
    {
        var opens = new CountingOpens();
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("journal-test", (akka, _) => akka
                .AddHocon(HoconFiles.Load(), HoconAddMode.Prepend)
                .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
                .WithSqlPersistence(dataOptions: options.UseInterceptor(opens), autoInitialize: true)))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var actors = Enumerable.Range(0, Actors).Select(i => system.ActorOf(Props.Create<Recorder>($"recorder-{i}"))).ToList();
            await Task.WhenAll(actors.Select(a => a.Ask<int>(Recorder.Count.Instance, TimeSpan.FromSeconds(60))));

            var before = opens.Count;
            var persisted = actors.SelectMany(a => Enumerable.Range(0, EventsPerActor).Select(n => a.Ask<string>($"event-{n}", TimeSpan.FromSeconds(60))));
            Assert.Equal(Events, (await Task.WhenAll(persisted)).Length);
            var transactions = opens.Count - before;

            // Every event is stored: each actor recovers all of its events from the file.
            foreach (var actor in actors) await actor.GracefulStop(TimeSpan.FromSeconds(10));
            var reborn = Enumerable.Range(0, Actors).Select(i => system.ActorOf(Props.Create<Recorder>($"recorder-{i}")));
            Assert.All(await Task.WhenAll(reborn.Select(a => a.Ask<int>(Recorder.Count.Instance, TimeSpan.FromSeconds(30)))),
                count => Assert.Equal(EventsPerActor, count));
            return transactions;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private sealed class Recorder : ReceivePersistentActor
    {
        public sealed class Count
        {
            public static readonly Count Instance = new();
        }

        private int _events;

        public Recorder(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<string>(_ => _events++);
            Command<Count>(_ => Sender.Tell(_events));
            Command<string>(text =>
            {
                var sender = Sender;
                PersistAsync(text, e =>
                {
                    _events++;
                    sender.Tell(e);
                });
            });
        }

        public override string PersistenceId { get; }
    }

    private sealed class CountingOpens : IConnectionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void ConnectionOpening(ConnectionEventData eventData, DbConnection connection) => Interlocked.Increment(ref _count);

        public Task ConnectionOpeningAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public void ConnectionOpened(ConnectionEventData eventData, DbConnection connection) { }

        public Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public void Dispose() => _db.Dispose();
}
