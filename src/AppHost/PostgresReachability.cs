using System.Data.Common;
using System.Net.Sockets;

namespace HealthGateway.AppHost;

/// <summary>
/// Cluster mode runs no PostgreSQL of its own (no container engine is assumed): say so at once when none answers,
/// rather than leaving the schema step failed and the gateways waiting in the dashboard.
/// </summary>
public static class PostgresReachability
{
    public static string? Problem(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var host = parts.TryGetValue("Host", out var h) ? h.ToString()! : "127.0.0.1";
        var port = parts.TryGetValue("Port", out var p) ? int.Parse(p.ToString()!, System.Globalization.CultureInfo.InvariantCulture) : 5432;
        try
        {
            using var client = new TcpClient();
            if (client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(3))) return null;
            return $"PostgreSQL at {host}:{port} did not answer within 3 s";
        }
        catch (AggregateException e) when (e.InnerException is SocketException socket)
        {
            return $"PostgreSQL at {host}:{port} is not reachable ({socket.SocketErrorCode})";
        }
    }
}
