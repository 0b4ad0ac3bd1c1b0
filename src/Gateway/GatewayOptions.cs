using System.ComponentModel.DataAnnotations;
using HealthGateway.Protocol;

namespace HealthGateway.Gateway;

/// <summary>Configuration section <c>Gateway</c>. Every limit the gateway enforces is here.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Where the SQLite database and the dev signing key live.</summary>
    [Required] public string DataDirectory { get; set; } = ".data/gateway";

    /// <summary>Akka.Remote endpoint of this node. Port 0 picks a free port (single-node default).</summary>
    [Required] public string ClusterHostname { get; set; } = "127.0.0.1";
    [Range(0, 65535)] public int ClusterPort { get; set; }

    /// <summary>Seed nodes, e.g. <c>akka.tcp://gateway@10.0.0.1:4053</c>. Empty: the node joins itself.</summary>
    public string[] SeedNodes { get; set; } = [];

    /// <summary>How long a routed read waits for the unit's reply before answering 504.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry-After sent with 503 when the patient's unit is offline.</summary>
    [Range(1, 3600)] public int OfflineRetryAfterSeconds { get; set; } = 30;

    /// <summary>How long a unit has to send <c>hello</c> after the upgrade (close 4001 after).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection waits for its session to attach (close 4004 after).</summary>
    public TimeSpan AttachTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An unanswered attach is repeated this often until <see cref="AttachTimeout"/> (the first may have been lost with a node).</summary>
    public TimeSpan AttachRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>WebSocket keep-alive ping interval; a peer silent for <see cref="KeepAliveTimeout"/> is dropped.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Cap on one inbound unit frame; bigger closes the socket with 1009.</summary>
    [Range(1024, 64 * 1024 * 1024)] public int MaxFrameBytes { get; set; } = ProtocolConstants.DefaultMaxFrameBytes;

    /// <summary>Frames queued towards one unit before new reads get 503 (unit busy) instead of waiting.</summary>
    /// <summary>Deliveries and control frames always have room: reads may use the capacity beyond <see cref="DeliveryWindow"/> + 16.</summary>
    [Range(600, 100_000)] public int OutboundQueueCapacity { get; set; } = 1024;

    /// <summary>Browser origins allowed on the unit socket. Units send no Origin; any Origin not listed is refused.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Entries held by the patient directory's in-memory cache (one per patient).</summary>
    [Range(1, 50_000_000)] public int DirectoryCacheSize { get; set; } = 200_000;

    /// <summary>How long a cached patient -> unit entry is trusted before the database is asked again.</summary>
    public TimeSpan DirectoryCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An offline unit's session leaves memory after this long without messages.</summary>
    public TimeSpan SessionIdlePassivation { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A session that needs a snapshot at attach takes it within this long (at a random point of it), not at once:
    /// in a reconnect storm the snapshot writes would compete with the attaches for the journal's one writer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan SessionSnapshotDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Unsettled writes held for one unit; beyond it writes answer 503 + Retry-After (nothing is dropped).</summary>
    [Range(1, 1_000_000)] public int MaxBacklogPerUnit { get; set; } = 10_000;

    /// <summary>Writes delivered to a unit and not yet acknowledged, at most.</summary>
    [Range(1, 512)] public int DeliveryWindow { get; set; } = 64;

    /// <summary>With deliveries outstanding and nothing acknowledged for this long, the window is sent again.</summary>
    public TimeSpan DeliveryAckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Settled operations each unit's session remembers for GET /operations and idempotent retries.</summary>
    [Range(10, 1_000_000)] public int OperationRetentionPerUnit { get; set; } = 2_000;

    /// <summary>How long a write waits for the unit's outcome before answering 202 (Prefer: wait=N changes it).</summary>
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound for Prefer: wait=N.</summary>
    public TimeSpan MaxWriteWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a write may wait for the journal before the caller gets 503 (durability not confirmed).</summary>
    public TimeSpan WriteAcceptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>On a graceful stop, how long requests in flight may take to finish before the node leaves the cluster (ADR 18).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time to live of a write by operation: a unit that receives it later answers "expired" instead of applying it.
    /// A payment must not apply days late.
    /// </summary>
    public Dictionary<string, TimeSpan> WriteTimeToLive { get; set; } = new()
    {
        [Protocol.Operations.BookAppointment] = TimeSpan.FromDays(7),
        [Protocol.Operations.RescheduleAppointment] = TimeSpan.FromDays(7),
        [Protocol.Operations.CancelAppointment] = TimeSpan.FromDays(7),
        [Protocol.Operations.PayInvoice] = TimeSpan.FromHours(24),
    };

    /// <summary>Largest REST request body accepted (413 beyond).</summary>
    [Range(1024, 10 * 1024 * 1024)] public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Of a body over <see cref="MaxRequestBodyBytes"/>, how much more the gateway reads and throws away before it
    /// answers 413 and closes, so that a client still sending reads the answer instead of a connection reset.
    /// A body larger than the cap plus this is cut off (the connection is closed, the client may see a reset).
    /// </summary>
    [Range(0, 64 * 1024 * 1024)] public long MaxDiscardedBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the gateway spends discarding an over-cap body (<see cref="MaxDiscardedBodyBytes"/>) at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan BodyDiscardTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events each patient's live feed keeps for resuming clients (older ones answer <c>reset</c>).</summary>
    [Range(1, 10_000)] public int PatientFeedWindow { get; set; } = 256;

    /// <summary>Events older than this are not replayed on resume; an idle feed without subscribers leaves memory after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan PatientFeedMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Open event streams per patient, over all gateway nodes; one more answers 429.</summary>
    [Range(1, 100)] public int PatientStreamsPerPatient { get; set; } = 5;

    /// <summary>Events queued towards one stream; a client that lets this many pile up is closed (1008), not buffered.</summary>
    [Range(1, 10_000)] public int PatientStreamBuffer { get; set; } = 64;

    /// <summary>WebSocket ping / SSE comment interval on an idle event stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan PatientStreamKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a closing event stream may take to send its close before the connection is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan PatientStreamCloseGrace { get; set; } = TimeSpan.FromSeconds(5);

    public string DatabasePath => Path.Combine(DataDirectory, "gateway.db");
}
