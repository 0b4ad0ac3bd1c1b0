using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace HealthGateway.Gateway.Tests.Units.Connection;

/// <summary>Two real WebSockets over a real loopback TCP connection: the gateway's end and the unit's.</summary>
public sealed class LoopbackWebSockets : IDisposable
{
    private readonly TcpListener _listener;
    private readonly TcpClient _client;

    private LoopbackWebSockets(TcpListener listener, TcpClient client, WebSocket gatewayEnd, WebSocket unitEnd)
    {
        _listener = listener;
        _client = client;
        GatewayEnd = gatewayEnd;
        UnitEnd = unitEnd;
    }

    public WebSocket GatewayEnd { get; }
    public WebSocket UnitEnd { get; }

    /// <param name="kernelBufferBytes">Small kernel buffers make "stopped reading" show after a few frames rather than megabytes.</param>
    public static async Task<LoopbackWebSockets> OpenAsync(int? kernelBufferBytes = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        var client = new TcpClient();
        if (kernelBufferBytes is { } bytes)
        {
            listener.Server.ReceiveBufferSize = listener.Server.SendBufferSize = bytes;
            client.ReceiveBufferSize = client.SendBufferSize = bytes;
        }
        listener.Start();
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accept;
        var gatewayEnd = WebSocket.CreateFromStream(new NetworkStream(server, ownsSocket: true), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        var unitEnd = WebSocket.CreateFromStream(client.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        return new LoopbackWebSockets(listener, client, gatewayEnd, unitEnd);
    }

    public void Dispose()
    {
        GatewayEnd.Abort();
        UnitEnd.Abort();
        _client.Dispose();
        _listener.Stop();
    }
}
