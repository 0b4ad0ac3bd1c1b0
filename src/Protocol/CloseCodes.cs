namespace HealthGateway.Protocol;

/// <summary>
/// WebSocket close codes used on the unit socket. 1xxx are RFC 6455 codes; 4xxx are ours.
/// A unit must not reconnect after <see cref="UnitIdMismatch"/> or <see cref="UnsupportedVersion"/>
/// without a configuration change; every other code is followed by a reconnect with backoff.
/// </summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int InvalidFrame = 1007;
    public const int PolicyViolation = 1008;
    public const int FrameTooLarge = 1009;
    public const int InternalError = 1011;

    /// <summary>RFC 6455 registry "Try Again Later": the gateway is admitting attaches more slowly than they arrive.</summary>
    public const int TryAgainLater = 1013;

    /// <summary>A newer connection for the same unit took over this session.</summary>
    public const int Superseded = 4000;

    /// <summary>The unit did not send <c>hello</c> in time after the upgrade.</summary>
    public const int HandshakeTimeout = 4001;

    /// <summary>The <c>hello</c> named a protocol version the gateway does not speak.</summary>
    public const int UnsupportedVersion = 4002;

    /// <summary>The <c>hello</c> named a unit other than the one the token was issued to.</summary>
    public const int UnitIdMismatch = 4003;

    /// <summary>The gateway could not attach the session in time (cluster busy or shutting down); retry.</summary>
    public const int SessionUnavailable = 4004;

    /// <summary>The unit's token expired while connected; reconnect with a fresh token.</summary>
    public const int TokenExpired = 4005;
}
