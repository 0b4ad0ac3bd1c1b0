using System.Diagnostics;
using Npgsql;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// Stops and starts the test PostgreSQL server for outage tests, through the commands in
/// <c>HGW_TEST_POSTGRES_STOP</c> / <c>HGW_TEST_POSTGRES_START</c> (defaults: the local apt cluster).
/// </summary>
public static class PostgresServer
{
    public static string StopCommand => Environment.GetEnvironmentVariable("HGW_TEST_POSTGRES_STOP") is { Length: > 0 } s ? s : "pg_ctlcluster 15 main stop -m fast";
    public static string StartCommand => Environment.GetEnvironmentVariable("HGW_TEST_POSTGRES_START") is { Length: > 0 } s ? s : "pg_ctlcluster 15 main start";

    public static void Stop()
    {
        Run(StopCommand);
        Assert.False(IsReachable(), $"PostgreSQL still answers after '{StopCommand}'");
    }

    public static void Start()
    {
        Run(StartCommand);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!IsReachable())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"PostgreSQL did not come back after '{StartCommand}'");
            Thread.Sleep(200); // polling the server's port
        }
    }

    public static bool IsReachable()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.Server) { Timeout = 2, Pooling = false };
        try
        {
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static void Run(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command }, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"'{command}' failed ({process.ExitCode}): {stderr}");
    }
}
