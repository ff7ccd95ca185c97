using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// Chooses a real server for a new connection, like an IPVS scheduler module. One instance
/// serves one virtual service and keeps its position between calls; it is not thread-safe.
/// </summary>
public interface IScheduler
{
    /// <summary>The ipvsadm name, e.g. <c>rr</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Starts over for this list of real servers; call it before the first <see cref="Select(IReadOnlyList{RealServer})"/>
    /// and whenever the list or a weight changes (as IPVS's <c>update_service</c>).
    /// </summary>
    /// <param name="servers">The service's real servers in order.</param>
    void Reset(IReadOnlyList<RealServer> servers);

    /// <summary>
    /// The same real servers with other weights (as IPVS's <c>upd_dest</c>, which <c>ipvsadm -e</c>
    /// calls): rebuilds whatever depends on the weights, such as wrr's current weight or mh's
    /// lookup table. By default the scheduler starts over (<see cref="Reset"/>); one whose
    /// state does not depend on the weights keeps its position.
    /// </summary>
    /// <param name="servers">The service's real servers in order, with their new weights.</param>
    void UpdateWeights(IReadOnlyList<RealServer> servers) => Reset(servers);

    /// <summary>
    /// Chooses a real server without any connection counts or packet (every count 0, every
    /// address 0.0.0.0). Allocates nothing.
    /// </summary>
    /// <param name="servers">The same list given to <see cref="Reset"/>.</param>
    /// <returns>The index of the chosen server, or -1 when none is available (all weights 0).</returns>
    int Select(IReadOnlyList<RealServer> servers);

    /// <summary>
    /// Chooses a real server for the connection a packet opens, given the servers' connection
    /// counts. Allocates nothing. Schedulers that need neither (<c>rr</c>, <c>wrr</c>) use
    /// <see cref="Select(IReadOnlyList{RealServer})"/>.
    /// </summary>
    /// <param name="servers">The same list given to <see cref="Reset"/>.</param>
    /// <param name="context">Connection counts per server and the opening packet's addresses.</param>
    /// <returns>The index of the chosen server, or -1 when none is available.</returns>
    int Select(IReadOnlyList<RealServer> servers, in SchedulingContext context) => Select(servers);
}
