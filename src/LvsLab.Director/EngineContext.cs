using LvsLab.Director.Connections;
using LvsLab.Director.Interfaces;
using LvsLab.Director.Neighbours;
using LvsLab.Director.Rules;

namespace LvsLab.Director;

/// <summary>
/// The state the engine's concerns (ARP, inbound, NAT return, ICMP, tunnel) share: the tables,
/// the interfaces, the faults, and the one reference to the compiled rules that
/// <see cref="DirectorEngine.Apply"/> swaps. Not thread-safe, as the engine.
/// </summary>
internal sealed class EngineContext
{
    private ushort _nextIdentification;

    public EngineContext(DirectorOptions options, InterfaceTable interfaces, CompiledRules rules, DirectorCounters counters)
    {
        Options = options;
        Faults = options.Faults;
        Interfaces = interfaces;
        Neighbours = new NeighbourTable(options.NeighbourCapacity);
        Connections = new ConnectionTable(options.Timeouts, options.ConnectionCapacity, options.ConnectionEviction);
        Rules = rules;
        Counters = counters;
    }

    public DirectorOptions Options { get; }

    public DirectorFaults Faults { get; }

    public InterfaceTable Interfaces { get; }

    public NeighbourTable Neighbours { get; }

    public ConnectionTable Connections { get; }

    /// <summary>The compiled rules: replaced as a whole, never changed in place (weights apart).</summary>
    public CompiledRules Rules { get; set; }

    public DirectorCounters Counters { get; set; }

    /// <summary>The identification of the next IPv4 header the engine writes (tunnel, ICMP error).</summary>
    public bool Standby { get; set; }

    public ushort NextIdentification() => unchecked(_nextIdentification++);
}
