using System.Data.Common;
using LinqToDB.Interceptors;

namespace HealthGateway.Gateway.Storage;

/// <summary>
/// Makes Akka.Persistence.Sql's journal writes on SQLite group-commit (ADR 11). Microsoft.Data.Sqlite
/// completes its "async" calls synchronously, and the journal batches rows only while a write is in
/// flight: a write that finished before returning left nothing to batch, so each event paid its own
/// transaction and fsync. Yielding once as linq2db opens a connection moves the write off the
/// journal's stream stage; events that arrive meanwhile join the next transaction.
/// </summary>
public sealed class AsynchronousConnectionOpen : IConnectionInterceptor
{
    public static readonly AsynchronousConnectionOpen Instance = new();

    public void ConnectionOpening(ConnectionEventData eventData, DbConnection connection) { }

    public async Task ConnectionOpeningAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) =>
        await Task.Yield();

    public void ConnectionOpened(ConnectionEventData eventData, DbConnection connection) { }

    public Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
