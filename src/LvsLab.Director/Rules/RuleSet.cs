using System.Collections.ObjectModel;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>An immutable set of virtual services, as read from <c>ipvsadm-save</c> text.</summary>
public sealed class RuleSet
{
    /// <summary>Creates a rule set.</summary>
    /// <param name="services">The services in order.</param>
    /// <exception cref="ArgumentException">Two services have the same protocol, address and port, or the same firewall mark.</exception>
    public RuleSet(IEnumerable<VirtualService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        VirtualService[] list = services.ToArray();
        for (int i = 0; i < list.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (SameService(list[i], list[j]))
                {
                    throw new ArgumentException($"duplicate service {list[i]}", nameof(services));
                }
            }
        }

        Services = new ReadOnlyCollection<VirtualService>(list);
    }

    /// <summary>A rule set without services.</summary>
    public static RuleSet Empty { get; } = new(Array.Empty<VirtualService>());

    /// <summary>The services in order.</summary>
    public IReadOnlyList<VirtualService> Services { get; }

    /// <summary>Finds an address (<c>-t</c>/<c>-u</c>) service by protocol, address and port.</summary>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="address">The VIP.</param>
    /// <param name="port">The virtual port.</param>
    /// <returns>The service, or null.</returns>
    public VirtualService? Find(ServiceProtocol protocol, Ipv4Address address, ushort port)
    {
        for (int i = 0; i < Services.Count; i++)
        {
            VirtualService service = Services[i];
            if (service.FirewallMark is null && service.Protocol == protocol && service.Address == address && service.Port == port)
            {
                return service;
            }
        }

        return null;
    }

    /// <summary>Finds a firewall-mark (<c>-f</c>) service.</summary>
    /// <param name="firewallMark">The mark.</param>
    /// <returns>The service, or null.</returns>
    public VirtualService? FindFirewallMark(uint firewallMark)
    {
        for (int i = 0; i < Services.Count; i++)
        {
            if (Services[i].FirewallMark == firewallMark)
            {
                return Services[i];
            }
        }

        return null;
    }

    private static bool SameService(VirtualService a, VirtualService b) =>
        a.FirewallMark is { } mark
            ? b.FirewallMark == mark
            : b.FirewallMark is null && a.Protocol == b.Protocol && a.Address == b.Address && a.Port == b.Port;
}
