using System.Collections.ObjectModel;
using LvsLab.Packets;
using LvsLab.Packets.Vrrp;

namespace LvsLab.Director.Vrrp;

/// <summary>The configuration of one VRRP virtual router (RFC 5798 §6.1), checked when made.</summary>
public sealed record VrrpRouterOptions
{
    /// <summary>The advertisement interval when none is given: 100 centiseconds, one second.</summary>
    public const int DefaultAdvertisementInterval = 100;

    /// <summary>The priority of the router that owns the virtual addresses; it takes over at once on start.</summary>
    public const byte OwnerPriority = 255;

    private readonly int _advertisementInterval = DefaultAdvertisementInterval;

    /// <summary>Makes a configuration.</summary>
    /// <param name="virtualRouterId">The VRID, 1 to 255.</param>
    /// <param name="priority">The priority, 1 to 255; 255 only for the owner of the virtual addresses.</param>
    /// <param name="primaryAddress">Our primary IPv4 address on the interface: the source of our advertisements and the tie-breaker between equal priorities.</param>
    /// <param name="virtualAddresses">The virtual addresses, 1 to 255 of them, each once.</param>
    /// <exception cref="ArgumentOutOfRangeException">The VRID or the priority is 0.</exception>
    /// <exception cref="ArgumentException">No virtual address, more than 255, one twice, or 0.0.0.0 as the primary address.</exception>
    public VrrpRouterOptions(byte virtualRouterId, byte priority, Ipv4Address primaryAddress, IEnumerable<Ipv4Address> virtualAddresses)
    {
        ArgumentOutOfRangeException.ThrowIfZero(virtualRouterId);
        ArgumentOutOfRangeException.ThrowIfZero(priority);
        ArgumentNullException.ThrowIfNull(virtualAddresses);
        if (primaryAddress == Ipv4Address.Any)
        {
            throw new ArgumentException("the primary address must not be 0.0.0.0", nameof(primaryAddress));
        }

        Ipv4Address[] addresses = virtualAddresses.ToArray();
        if (addresses.Length is 0 or > VrrpAdvertisement.MaxAddressCount)
        {
            throw new ArgumentException($"a virtual router has 1 to {VrrpAdvertisement.MaxAddressCount} virtual addresses, not {addresses.Length}", nameof(virtualAddresses));
        }

        if (addresses.Distinct().Count() != addresses.Length)
        {
            throw new ArgumentException("a virtual address is given twice", nameof(virtualAddresses));
        }

        VirtualRouterId = virtualRouterId;
        Priority = priority;
        PrimaryAddress = primaryAddress;
        VirtualAddresses = new ReadOnlyCollection<Ipv4Address>(addresses);
    }

    /// <summary>The VRID, 1 to 255; it also names the virtual router MAC 00:00:5e:00:01:{VRID}.</summary>
    public byte VirtualRouterId { get; }

    /// <summary>The priority, 1 to 255 (<see cref="OwnerPriority"/> for the address owner).</summary>
    public byte Priority { get; }

    /// <summary>Our primary IPv4 address on the interface.</summary>
    public Ipv4Address PrimaryAddress { get; }

    /// <summary>The virtual addresses, in the order they are advertised.</summary>
    public IReadOnlyList<Ipv4Address> VirtualAddresses { get; }

    /// <summary>
    /// Whether a backup of higher priority takes over from a master of lower priority (true, the
    /// default) or leaves it be (false). The owner (priority 255) takes over whatever this says.
    /// </summary>
    public bool Preempt { get; init; } = true;

    /// <summary>How often a master advertises, in centiseconds, 1 to 4095 (default 100, one second).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..4095.</exception>
    public int AdvertisementInterval
    {
        get => _advertisementInterval;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, VrrpAdvertisement.MaxInterval);
            _advertisementInterval = value;
        }
    }

    /// <summary>True for the owner of the virtual addresses (priority 255).</summary>
    public bool IsOwner => Priority == OwnerPriority;
}
