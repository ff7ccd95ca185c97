using LvsLab.Packets;

namespace LvsLab.Director.Neighbours;

/// <summary>
/// IP to MAC mappings of the director's neighbours (the real servers), learned from ARP, and
/// the rate limit for the director's own ARP requests. Not thread-safe.
/// </summary>
public sealed class NeighbourTable
{
    /// <summary>At most one ARP request per address per this interval.</summary>
    public const long ResolutionIntervalMilliseconds = 1000;

    private readonly Dictionary<Ipv4Address, MacAddress> _entries = [];
    private readonly Dictionary<Ipv4Address, long> _lastRequest = [];

    /// <summary>Number of known neighbours.</summary>
    public int Count => _entries.Count;

    /// <summary>The known neighbours (for listing; allocates an enumerator).</summary>
    public IEnumerable<KeyValuePair<Ipv4Address, MacAddress>> Entries => _entries;

    /// <summary>Looks up a neighbour's MAC address.</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <param name="mac">Its MAC when the result is true.</param>
    /// <returns>True when known.</returns>
    public bool TryGet(Ipv4Address address, out MacAddress mac) => _entries.TryGetValue(address, out mac);

    /// <summary>Adds or replaces a neighbour (learned from ARP, or configured).</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <param name="mac">Its MAC.</param>
    public void Set(Ipv4Address address, MacAddress mac) => _entries[address] = mac;

    /// <summary>Forgets a neighbour.</summary>
    /// <param name="address">The neighbour's IP.</param>
    /// <returns>True when it was known.</returns>
    public bool Remove(Ipv4Address address) => _entries.Remove(address);

    /// <summary>
    /// Decides whether an ARP request for <paramref name="address"/> may be sent now (at most
    /// one per <see cref="ResolutionIntervalMilliseconds"/>), and if so records the time.
    /// </summary>
    /// <param name="address">The address to resolve.</param>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>True when a request should be sent.</returns>
    public bool TryBeginResolution(Ipv4Address address, long nowMilliseconds)
    {
        if (_lastRequest.TryGetValue(address, out long last) && nowMilliseconds - last < ResolutionIntervalMilliseconds)
        {
            return false;
        }

        _lastRequest[address] = nowMilliseconds;
        return true;
    }
}
