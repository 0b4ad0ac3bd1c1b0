using System.Net;
using System.Net.Sockets;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// The "any load balancer" in front of a gateway cluster: a plain TCP round-robin relay on loopback.
/// A backend that refuses the connection (stopped or killed node) is skipped; a connection whose
/// backend dies is closed on both sides, as a real balancer does, and the unit reconnects.
/// </summary>
public sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<IReadOnlyList<int>> _backendPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _next;

    public TcpBalancer(Func<IReadOnlyList<int>> backendPorts)
    {
        _backendPorts = backendPorts;
        _listener.Start(backlog: 1024);
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public Uri WebSocketBase => new($"ws://127.0.0.1:{Port}");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            var backend = await ConnectToAnyBackendAsync();
            if (backend is null) return; // no node up: the unit sees a refused/closed connection and retries
            using (backend)
            {
                var a = client.GetStream();
                var b = backend.GetStream();
                var pumps = new[] { PumpAsync(a, b), PumpAsync(b, a) };
                await Task.WhenAny(pumps);
                client.Client.Close();
                backend.Client.Close();
                await Task.WhenAll(pumps);
            }
        }
    }

    private async Task<TcpClient?> ConnectToAnyBackendAsync()
    {
        var ports = _backendPorts();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[(int)((uint)Interlocked.Increment(ref _next) % ports.Count)];
            var backend = new TcpClient { NoDelay = true };
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                return backend;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                backend.Dispose();
            }
        }
        return null;
    }

    private static async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0) await to.WriteAsync(buffer.AsMemory(0, read));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
