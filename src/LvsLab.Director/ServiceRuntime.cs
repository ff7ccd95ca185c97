using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>
/// A virtual service with its scheduler, as the engine uses it. Its real servers' weights and
/// its scheduler's position are run-time state: they change in place (<see cref="SetWeight"/>,
/// <see cref="TakeWeights"/>) and outlive the compiled rules that hold the service.
/// </summary>
internal sealed class ServiceRuntime
{
    /// <param name="index">The service's index in the rule set.</param>
    /// <param name="service">The service.</param>
    /// <param name="scheduler">A scheduler to keep (a service changed at run time), or null for a new one.</param>
    public ServiceRuntime(int index, VirtualService service, IScheduler? scheduler = null)
    {
        Index = index;
        Service = service;
        Scheduler = scheduler ?? SchedulerFactory.Create(service.Scheduler);
        Servers = [.. service.RealServers];
        Scheduler.Reset(Servers);
        PersistenceMilliseconds = service.PersistenceTimeout is { } seconds ? seconds * 1000L : 0;
        PersistenceMask = IpAddress.PersistenceMask(service.PersistenceNetmask, service.PersistencePrefixLength, service.IsIpv6);
        OnePacket = service.OnePacket;
    }

    /// <summary>The persistence timeout (<c>-p</c>) in milliseconds; 0 when the service is not persistent.</summary>
    public long PersistenceMilliseconds { get; }

    /// <summary>The persistence netmask (<c>-M</c>) as a mask for <see cref="IpAddress.And"/>: the IPv4 netmask, or the IPv6 prefix.</summary>
    public IpAddress PersistenceMask { get; }

    /// <summary>One-packet scheduling (<c>-o</c>) for UDP.</summary>
    public bool OnePacket { get; }

    /// <summary>
    /// The real servers as they are now: the configured ones, with weights an operator or a
    /// health check may have changed since (the rules file stays as configured).
    /// </summary>
    public RealServer[] Servers { get; }

    /// <summary>Sets one real server's weight; 0 drains it (existing connections go on, no new ones).</summary>
    /// <param name="realServerIndex">Index in <see cref="Servers"/>.</param>
    /// <param name="weight">The new weight, 0..65535.</param>
    public void SetWeight(int realServerIndex, int weight)
    {
        Servers[realServerIndex] = Servers[realServerIndex].WithWeight(weight);
        Scheduler.UpdateWeights(Servers);
    }

    /// <summary>
    /// Takes the weights of <paramref name="service"/>, which differs from <see cref="Service"/>
    /// at most in its weights (<see cref="RuleIdentity.DiffersAtMostInWeights"/>), and becomes
    /// that service. The scheduler is told once (<see cref="IScheduler.UpdateWeights"/>), and
    /// only when a weight changed: wrr's current weight and mh's, sh's lookup tables depend on
    /// the weights; rr keeps its position, as in IPVS. O(real servers).
    /// </summary>
    /// <param name="service">The service as the new rules give it.</param>
    /// <returns>True when a weight changed.</returns>
    public bool TakeWeights(VirtualService service)
    {
        bool changed = false;
        for (int r = 0; r < Servers.Length; r++)
        {
            RealServer next = service.RealServers[r];
            changed |= Servers[r].Weight != next.Weight;
            Servers[r] = next;
        }

        Service = service;
        if (changed)
        {
            Scheduler.UpdateWeights(Servers);
        }

        return changed;
    }

    public int Index { get; }

    public VirtualService Service { get; private set; }

    public IScheduler Scheduler { get; }
}
