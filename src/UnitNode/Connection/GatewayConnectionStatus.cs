namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// The gateway connection as the rest of the process (health checks, tests) sees it. Every change completes
/// the task from <see cref="WaitForChangeAsync"/>, so callers wait for a state instead of sleeping.
/// </summary>
public sealed class GatewayConnectionStatus
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewChangeSource();

    public GatewayConnectionState State { get; private set; } = GatewayConnectionState.Idle;
    public bool IsConnected => State == GatewayConnectionState.Connected;

    /// <summary>Sessions that reached <c>welcome</c> since the process started.</summary>
    public int ConnectedCount { get; private set; }

    public int ConnectAttempts { get; private set; }

    /// <summary>The gateway address of the current (or last) attempt: which node the unit is on, or trying.</summary>
    public Uri? Gateway { get; private set; }

    /// <summary>The hint the last failed attempt carried (HTTP <c>Retry-After</c>, <c>retryAfterMs</c>); null without one.</summary>
    public TimeSpan? LastRetryAfter { get; private set; }
    public long? SessionEpoch { get; private set; }
    public DateTimeOffset? ConnectedSince { get; private set; }

    /// <summary>Close code of the last session, whichever side closed; null when the connection was simply lost.</summary>
    public int? LastCloseStatus { get; private set; }
    public string? LastCloseDescription { get; private set; }

    /// <summary>True when <see cref="LastCloseStatus"/> came from the gateway.</summary>
    public bool LastClosedByGateway { get; private set; }

    /// <summary>HTTP status of the last failed upgrade (401/403 mean the token was refused).</summary>
    public int? LastHttpStatus { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Completes at the next change of any property.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return _changed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked at every change); false on timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<GatewayConnectionStatus, bool> condition, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (condition(this)) return true;
                next = _changed.Task;
            }
            try
            {
                await next.WaitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_gate) return condition(this);
            }
        }
    }

    internal void OnConnecting(Uri gateway) => Change(() =>
    {
        State = GatewayConnectionState.Connecting;
        Gateway = gateway;
        ConnectAttempts++;
    });

    internal void OnConnectFailed(string error, int? httpStatus) => Change(() =>
    {
        State = GatewayConnectionState.Disconnected;
        LastError = error;
        LastHttpStatus = httpStatus;
    });

    internal void OnConnected(long sessionEpoch, DateTimeOffset at) => Change(() =>
    {
        State = GatewayConnectionState.Connected;
        ConnectedCount++;
        SessionEpoch = sessionEpoch;
        ConnectedSince = at;
        LastHttpStatus = null;
        LastError = null;
        LastRetryAfter = null;
    });

    internal void OnRetryHint(TimeSpan? retryAfter) => Change(() => LastRetryAfter = retryAfter);

    internal void OnDisconnected(int? closeStatus, string? closeDescription, bool closedByGateway, string? error) => Change(() =>
    {
        State = GatewayConnectionState.Disconnected;
        ConnectedSince = null;
        LastCloseStatus = closeStatus;
        LastCloseDescription = closeDescription;
        LastClosedByGateway = closedByGateway;
        LastError = error;
    });

    internal void OnStopped(string reason) => Change(() =>
    {
        State = GatewayConnectionState.Stopped;
        LastError = reason;
    });

    private void Change(Action mutate)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            mutate();
            previous = _changed;
            _changed = NewChangeSource();
        }
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewChangeSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
