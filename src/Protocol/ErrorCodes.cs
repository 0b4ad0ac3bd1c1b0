namespace HealthGateway.Protocol;

/// <summary>
/// The <c>code</c> values of <see cref="Frames.ErrorFrame"/> (docs/protocol.md, sections 11 and 12). The decode
/// codes name what was wrong with a frame; the others name why the gateway is about to close the connection.
/// Receivers treat codes they do not know as generic errors.
/// </summary>
public static class ErrorCodes
{
    // Decode errors (section 11).
    public const string TooLarge = "too_large";
    public const string MalformedJson = "malformed_json";
    public const string MissingType = "missing_type";
    public const string UnknownType = "unknown_type";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";

    // Closes for other reasons (section 12), one code per close the gateway initiates.

    /// <summary>1008: a frame out of order or in the wrong direction (section 4, step 6).</summary>
    public const string ProtocolViolation = "protocol_violation";

    /// <summary>1008: more event batches unacknowledged than <see cref="ProtocolConstants.MaxUnacknowledgedEventBatches"/>.</summary>
    public const string TooManyEventBatches = "too_many_event_batches";

    /// <summary>1011: the gateway failed (e.g. could not store the unit's events) or the unit's events skipped a seq.</summary>
    public const string InternalError = "internal_error";

    /// <summary>4000: a newer connection of this unit took over.</summary>
    public const string Superseded = "superseded";

    /// <summary>4001: no <c>hello</c> within the handshake timeout.</summary>
    public const string HandshakeTimeout = "handshake_timeout";

    /// <summary>4002: <c>hello.protocolVersion</c> is not spoken here.</summary>
    public const string UnsupportedVersion = "unsupported_version";

    /// <summary>4003: <c>hello.unitId</c> differs from the token's unit.</summary>
    public const string UnitIdMismatch = "unit_id_mismatch";

    /// <summary>4004: the unit's session could not be attached in time.</summary>
    public const string SessionUnavailable = "session_unavailable";

    /// <summary>4005: the token the connection was opened with expired.</summary>
    public const string TokenExpired = "token_expired";

    /// <summary>1013: the gateway admits attaches at the rate it can serve; come back after <c>retryAfterMs</c>.</summary>
    public const string TryLater = "try_later";

    /// <summary>1001: the gateway node is stopping (graceful shutdown or leaving the cluster); come back after <c>retryAfterMs</c>, preferably elsewhere.</summary>
    public const string GoingAway = "going_away";
}
