using Npgsql;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// A fresh PostgreSQL database per test, dropped afterwards. The server comes from
/// <c>HGW_TEST_POSTGRES</c> (a connection string whose role may CREATE DATABASE); the default is the
/// local apt-installed server set up by scripts/ci-postgres.sh. Unreachable server: the test fails
/// with the reason, it never skips silently.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "HGW_TEST_POSTGRES";
    public const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=healthgateway;Password=healthgateway;Database=postgres";

    private PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s ? s : DefaultServer;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var name = $"hgw_test_{Guid.NewGuid():N}";
        try
        {
            await using var connection = new NpgsqlConnection(Server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            Assert.Fail($"PostgreSQL is unreachable through {EnvironmentVariable} (\"{Redacted(Server)}\"): {e.Message}. " +
                        "Start it and create the test role: scripts/ci-postgres.sh does both.");
        }
        var builder = new NpgsqlConnectionStringBuilder(Server) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static string Redacted(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Password is not null) builder.Password = "***";
        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(Server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // Best effort: a leftover test database does no harm and carries a unique name.
        }
    }
}
