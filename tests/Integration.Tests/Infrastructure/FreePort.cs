using System.Net;
using System.Net.Sockets;

namespace HealthGateway.Integration.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback TCP port that was free a moment ago (for Akka.Remote, which needs it up front).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
