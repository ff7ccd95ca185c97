using System.Collections.ObjectModel;
using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>
/// The rules that give packets the firewall marks IPVS firewall-mark services (<c>ipvsadm -A -f 1</c>)
/// match. In the kernel, netfilter's mangle table marks packets before IPVS sees them; this
/// director is a user-space forwarder, so it reads the same rules from a marks file and classifies
/// each packet itself with <see cref="Classify"/>.
/// </summary>
/// <remarks>
/// iptables' MARK target does not end the chain: every matching rule sets the mark in turn, so the
/// last matching rule's mark is the one the packet keeps. <see cref="Classify"/> gives that result
/// by trying the rules from the last one back and stopping at the first match.
/// </remarks>
public sealed class FirewallMarkRules
{
    private readonly FirewallMarkRule[] _rules;

    /// <summary>Creates a rule list.</summary>
    /// <param name="rules">The rules in order (the later of two matching rules wins).</param>
    public FirewallMarkRules(IEnumerable<FirewallMarkRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules.ToArray();
        if (Array.IndexOf(_rules, null) >= 0)
        {
            throw new ArgumentException("a rule is null", nameof(rules));
        }

        Rules = new ReadOnlyCollection<FirewallMarkRule>(_rules);
    }

    /// <summary>No rules: every packet gets mark 0.</summary>
    public static FirewallMarkRules Empty { get; } = new(Array.Empty<FirewallMarkRule>());

    /// <summary>The number of rules.</summary>
    public int Count => _rules.Length;

    /// <summary>The rules in order, each with the line it came from.</summary>
    public IReadOnlyList<FirewallMarkRule> Rules { get; }

    /// <summary>
    /// Parses a marks file: one iptables command per line in the LVS-HOWTO style,
    /// <c>[iptables] -t mangle -A PREROUTING [-d a.b.c.d[/len]] [-p tcp|udp [-m tcp|udp]]
    /// [--dport n[:m] | -m multiport --dports a,b,c:d] -j MARK --set-mark n</c>. Blank lines and
    /// <c>#</c> comments are ignored; long option names (<c>--destination</c>, <c>--append</c>,
    /// <c>--set-xmark n/0xffffffff</c> ...) are accepted. All or nothing: the first error throws.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="sourceName">A label for messages, usually the file name, e.g. <c>marks.rules</c>.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="RuleParseException">A line is not understood (the message names the file, the line and the offending value).</exception>
    public static FirewallMarkRules Parse(string text, string sourceName) => FirewallMarkRuleParser.Parse(text, sourceName);

    /// <summary>
    /// The mark a packet gets: that of the last rule it matches, or 0 when it matches none.
    /// Allocates nothing.
    /// </summary>
    /// <param name="protocol">The packet's protocol.</param>
    /// <param name="destination">The packet's destination address.</param>
    /// <param name="destinationPort">The packet's destination port.</param>
    /// <returns>The mark, or 0.</returns>
    public uint Classify(ServiceProtocol protocol, Ipv4Address destination, ushort destinationPort)
    {
        FirewallMarkRule[] rules = _rules;
        for (int i = rules.Length - 1; i >= 0; i--)
        {
            if (rules[i].Matches(protocol, destination, destinationPort))
            {
                return rules[i].Mark;
            }
        }

        return 0;
    }
}
