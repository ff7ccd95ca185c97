namespace LvsLab.Lab.Topologies;

/// <summary>Choices for a NAT lab.</summary>
public sealed record NatLabOptions
{
    /// <summary>How many real servers sit on the back network (1–50).</summary>
    public int Servers { get; init; } = 3;

    /// <summary>The IPVS scheduler of the virtual services.</summary>
    public string Scheduler { get; init; } = "rr";

    /// <summary>
    /// Whether the real servers' default route is the director's DIP (true, as LVS-NAT needs)
    /// or the router on the back network (false: replies leave un-rewritten by the wrong way —
    /// a negative control).
    /// </summary>
    public bool RouteRepliesThroughDirector { get; init; } = true;
}
