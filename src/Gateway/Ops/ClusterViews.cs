namespace HealthGateway.Gateway.Ops;

/// <summary><c>GET /api/v1/ops/cluster</c>: the cluster as this node sees it.</summary>
public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable);

/// <summary>One cluster member; <see cref="Status"/> is Akka's member status name (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed).</summary>
public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable, int UpNumber);

/// <summary>Body of <c>POST /api/v1/ops/cluster/leave</c> and <c>/down</c>.</summary>
public sealed record MemberAddressRequest(string? Address);

/// <summary>202 answer of leave/down: the action was handed to the cluster.</summary>
public sealed record MemberActionResult(string Address, string Action);

/// <summary>Answer of <c>POST /api/v1/ops/cluster/down-unreachable</c>.</summary>
public sealed record DownedMembers(IReadOnlyList<string> Downed);
