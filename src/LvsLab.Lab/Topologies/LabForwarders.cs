using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>
/// What forwards in a lab's director node, under one contract: the forwarder's image gets the
/// director's interfaces (<c>LVS_INTERFACE</c>: <c>eth0</c>, or <c>eth0,eth1</c> with NAT's
/// front and back), the rules as <c>ipvsadm-save</c> text at <c>/etc/lvs/rules.ipvs</c> (written
/// once the node is wired), and prints <c>lvs-director: ready</c> on stdout once it forwards.
/// The suite then checks it with packets captured outside it.
/// </summary>
public static class LabForwarders
{
    /// <summary>The C# director (<c>lvs-director</c>), the reference.</summary>
    public const string LvsLab = "lvslab";

    /// <summary>The C# director with its libpcap frame I/O (<c>LVS_IO=pcap</c>) instead of the AF_PACKET fast path: the baseline the fast path is measured against.</summary>
    public const string LvsLabPcap = "lvslab-pcap";

    /// <summary>
    /// The prefix of the C# director with its own settings, e.g. <c>lvslab:LVS_WORKERS=2</c> or
    /// <c>lvslab:LVS_BUSY_POLL=50,LVS_WORKERS=2</c>: <c>LVS_*</c> variables for its image.
    /// </summary>
    public const string LvsLabSettingsPrefix = "lvslab:";

    /// <summary>The kernel through nftables (DR and NAT): the kernel peer that runs on any kernel with nftables.</summary>
    public const string Nftables = "nftables";

    /// <summary>Kernel IPVS (<c>ipvsadm -R</c>), where the host kernel has <c>ip_vs</c>.</summary>
    public const string Ipvs = "ipvs";

    /// <summary>The prefix of a user's own forwarder image, e.g. <c>image:myorg/lb:1.2</c>.</summary>
    public const string ImagePrefix = "image:";

    /// <summary>The environment variable that chooses the forwarder for the suite.</summary>
    public const string EnvironmentVariable = "LVSLAB_FORWARDER";

    /// <summary>The forwarders known by name.</summary>
    public static IReadOnlyList<string> Names { get; } = [LvsLab, LvsLabPcap, Nftables, Ipvs];

    /// <summary>The forwarder <see cref="EnvironmentVariable"/> names, or <see cref="LvsLab"/>.</summary>
    public static string FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } chosen ? chosen : LvsLab;

    /// <summary>True when the forwarder is the C# director, whose own tools (counters, control socket) the suite may use.</summary>
    /// <param name="forwarder">A forwarder name.</param>
    /// <returns>True for <see cref="LvsLab"/>, <see cref="LvsLabPcap"/> and <c>lvslab:…</c>.</returns>
    public static bool IsLvsDirector(string forwarder) =>
        forwarder is LvsLab or LvsLabPcap || (forwarder?.StartsWith(LvsLabSettingsPrefix, StringComparison.Ordinal) ?? false);

    /// <summary>Puts <paramref name="forwarder"/> in the topology's director nodes.</summary>
    /// <param name="topology">The topology (with the C# director).</param>
    /// <param name="forwarder">A name from <see cref="Names"/>, or <c>image:NAME:TAG</c>.</param>
    /// <returns>The topology with that forwarder.</returns>
    /// <exception cref="ArgumentException">An unknown forwarder, or one that cannot do the lab's mode.</exception>
    public static LabTopology Apply(LabTopology topology, string forwarder)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(forwarder);
        string image;
        if (forwarder == LvsLab)
        {
            return topology;
        }
        else if (forwarder == LvsLabPcap)
        {
            return StockLabs.WithDirectorEnvironment(topology, new Dictionary<string, string> { ["LVS_IO"] = "pcap" });
        }
        else if (forwarder.StartsWith(LvsLabSettingsPrefix, StringComparison.Ordinal))
        {
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in forwarder[LvsLabSettingsPrefix.Length..].Split(','))
            {
                var parts = pair.Split('=', 2);
                if (parts.Length != 2 || !System.Text.RegularExpressions.Regex.IsMatch(parts[0], "^LVS_[A-Z_]+$") || parts[1].Length == 0 || parts[1].Any(char.IsWhiteSpace))
                {
                    throw new ArgumentException($"forwarder '{forwarder}': '{pair}' is not LVS_NAME=VALUE (e.g. lvslab:LVS_WORKERS=2)", nameof(forwarder));
                }

                settings[parts[0]] = parts[1];
            }

            return StockLabs.WithDirectorEnvironment(topology, settings);
        }
        else if (forwarder == Nftables)
        {
            if (topology.Mode is not ("dr" or "nat"))
            {
                throw new ArgumentException($"the nftables forwarder does DR and NAT, not {topology.Mode} (lab '{topology.Name}')", nameof(forwarder));
            }

            image = "nft-director";
        }
        else if (forwarder == Ipvs)
        {
            image = "ipvs-director";
        }
        else if (forwarder.StartsWith(ImagePrefix, StringComparison.Ordinal) && forwarder.Length > ImagePrefix.Length)
        {
            image = forwarder[ImagePrefix.Length..];
        }
        else
        {
            throw new ArgumentException($"unknown forwarder '{forwarder}' (known: {string.Join(", ", Names)}, lvslab:LVS_NAME=VALUE,…, or image:NAME:TAG)", nameof(forwarder));
        }

        return topology with
        {
            Nodes = [.. topology.Nodes.Select(node => node.Role != NodeRole.Director ? node : node with
            {
                Image = image,
                // A kernel forwarder routes NAT's replies back through the kernel; conntrack must
                // not call the last ACK of a simultaneous close invalid (it would not be NATed).
                Sysctls = new Dictionary<string, string>(node.Sysctls)
                {
                    ["net.ipv4.ip_forward"] = "1",
                    ["net.netfilter.nf_conntrack_tcp_be_liberal"] = "1",
                },
            })],
        };
    }
}
