namespace HealthGateway.UnitNode.Connection;

/// <summary>How an attempt at one gateway address ended, as far as choosing the next attempt goes.</summary>
internal enum AttemptEnd
{
    /// <summary>No connection, a refused upgrade, a close or a dead peer: try the next address.</summary>
    Failed,
    /// <summary>The token was refused (or there is none): retried at the longest delay, since it may be rotated.</summary>
    Refused,
    /// <summary>The node is stopping or leaving (close 1001): come back after its hint, preferably elsewhere.</summary>
    GoingAway,
}
