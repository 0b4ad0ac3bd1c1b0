using Akka.Actor;
using Akka.Cluster;

namespace HealthGateway.Gateway.Ops;

/// <summary>Cluster membership as this node sees it, and leave/down by address (Akka's own cluster API).</summary>
public sealed class ClusterOps(ActorSystem system)
{
    private Cluster Cluster => Cluster.Get(system);

    public ClusterView View()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable;
        var members = state.Members.Concat(unreachable.Where(u => !state.Members.Contains(u)))
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new MemberView(m.Address.ToString(), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
                m.Status.ToString(), !unreachable.Contains(m), UpNumber(m, state.Members)))
            .ToList();
        return new ClusterView(Cluster.SelfAddress.ToString(), state.Leader?.ToString(), members,
            unreachable.Select(m => m.Address.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The member's age rank among members that became Up (1 = oldest; 0 = not Up yet). Akka keeps its own
    /// up-number internal; the ordering it defines (<see cref="Member.IsOlderThan"/>) is public.
    /// </summary>
    private static int UpNumber(Member member, IEnumerable<Member> members) =>
        member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp
            ? 0
            : 1 + members.Count(other => other.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp) && other.IsOlderThan(member));

    /// <summary>The member with this address (as printed by <see cref="View"/>), if any.</summary>
    public Member? Find(string address)
    {
        var state = Cluster.State;
        return state.Members.Concat(state.Unreachable)
            .FirstOrDefault(m => string.Equals(m.Address.ToString(), address.Trim(), StringComparison.Ordinal));
    }

    public void Leave(Member member) => Cluster.Leave(member.Address);

    public void Down(Member member) => Cluster.Down(member.Address);

    /// <summary>Downs every member this node sees as unreachable; returns their addresses.</summary>
    public IReadOnlyList<string> DownUnreachable()
    {
        var downed = new List<string>();
        foreach (var member in Cluster.State.Unreachable)
        {
            Cluster.Down(member.Address);
            downed.Add(member.Address.ToString());
        }
        downed.Sort(StringComparer.Ordinal);
        return downed;
    }
}
