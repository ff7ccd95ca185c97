using System.Collections.ObjectModel;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>An immutable set of virtual services, as read from <c>ipvsadm-save</c> text.</summary>
public sealed class RuleSet
{
    /// <summary>Creates a rule set.</summary>
    /// <param name="services">The services in order.</param>
    /// <exception cref="ArgumentException">Two services have the same protocol, address and port.</exception>
    public RuleSet(IEnumerable<VirtualService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        VirtualService[] list = services.ToArray();
        for (int i = 0; i < list.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (list[i].Protocol == list[j].Protocol && list[i].Address == list[j].Address && list[i].Port == list[j].Port)
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

    /// <summary>Finds a service by protocol, address and port.</summary>
    /// <param name="protocol">TCP or UDP.</param>
    /// <param name="address">The VIP.</param>
    /// <param name="port">The virtual port.</param>
    /// <returns>The service, or null.</returns>
    public VirtualService? Find(ServiceProtocol protocol, Ipv4Address address, ushort port)
    {
        for (int i = 0; i < Services.Count; i++)
        {
            VirtualService service = Services[i];
            if (service.Protocol == protocol && service.Address == address && service.Port == port)
            {
                return service;
            }
        }

        return null;
    }
}
