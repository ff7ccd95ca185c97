using System.Globalization;
using System.Text;

namespace LvsLab.Lab.Model;

/// <summary>
/// The script a node runs at every start, before its own program, to wire itself: it waits for
/// each of its interfaces (found by address, so the order an engine attaches them in does not
/// matter), names them <c>eth0</c>, <c>eth1</c>, … in the topology's order, turns TX checksum
/// offload off, removes the engine's default routes, adds its IPv6 addresses (without duplicate
/// address detection), the <c>lo</c> addresses (IPv4 /32, IPv6 /128) and routes (IPv4 and IPv6),
/// runs the node's commands, writes <see cref="MarkerPath"/> and then runs the image's own
/// entrypoint. Because the node wires itself, a node restarted by anyone (<c>docker restart</c>,
/// a daemon restart, <c>lvslab restart</c>) comes back wired. The one source of a node's wiring.
/// </summary>
public static class NodeWiring
{
    /// <summary>Where the script lives inside every lab container.</summary>
    public const string ScriptPath = "/usr/local/lib/lvslab-wire";

    /// <summary>
    /// Written once the node is wired, fresh at every start (<c>/dev/shm</c> is a new tmpfs each
    /// time a container starts): one line per interface, <c>ethN MAC IFLINK</c>.
    /// </summary>
    public const string MarkerPath = "/dev/shm/lvslab-wired";

    /// <summary>How long the script waits for its interfaces before giving up.</summary>
    public static readonly TimeSpan InterfaceWait = TimeSpan.FromSeconds(60);

    /// <summary>The wiring script of <paramref name="node"/> (a POSIX shell script; needs <c>ip</c>).</summary>
    /// <param name="node">The node.</param>
    /// <returns>The script text; it ends by running its arguments (<c>exec "$@"</c>).</returns>
    public static string Script(LabNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var s = new StringBuilder();
        s.Append("#!/bin/sh\n");
        s.Append(CultureInfo.InvariantCulture, $"# lvslab-wire for node '{node.Name}': written by LvsLab from the lab's topology; runs at every start.\n");
        s.Append("set -e\n");
        s.Append("trap 'exit 0' TERM INT\n");
        s.Append("say() { echo \"lvslab-wire: $*\" >&2; }\n");
        s.Append(CultureInfo.InvariantCulture, $"rm -f {MarkerPath}\n");

        // ip -o -4 addr: "2: eth0    inet 10.1.2.3/24 brd … scope global eth0 …".
        s.Append("dev_of() { ip -o -4 addr show | while read -r _ dev _ cidr _; do if [ \"${cidr%/*}\" = \"$1\" ]; then echo \"${dev%@*}\"; break; fi; done; }\n");
        var addresses = node.Interfaces.Select(i => i.Address.ToString()).ToList();
        if (addresses.Count > 0)
        {
            var tries = (int)(InterfaceWait.TotalMilliseconds / 20);
            s.Append(CultureInfo.InvariantCulture, $"tries={tries}\n");
            AppendWaitFor(s, addresses, "[ -z \"$(dev_of \"$a\")\" ]");

            // Docker gives an attachment its IPv6 address after its IPv4 one: touching the
            // interface in between (renaming it, adding the address ourselves) made Docker's own
            // assignment fail with "file exists". So wait for the IPv6 addresses too.
            var addresses6 = node.Interfaces.Where(i => i.Address6 is not null).Select(i => i.Address6!.ToString()).ToList();
            if (addresses6.Count > 0)
            {
                AppendWaitFor(s, addresses6, "! ip -o -6 addr show | grep -q \" inet6 $a/\"");
            }

            // Rename in two steps (eth1 and eth2 may have swapped): first every misnamed one aside.
            s.Append("i=0\n");
            s.Append(CultureInfo.InvariantCulture, $"for a in {string.Join(' ', addresses)}; do\n");
            s.Append("  d=$(dev_of \"$a\")\n");
            s.Append("  if [ \"$d\" != \"eth$i\" ]; then ip link set dev \"$d\" down; ip link set dev \"$d\" name \"lvw$i\"; fi\n");
            s.Append("  i=$((i + 1))\n");
            s.Append("done\n");
            s.Append(CultureInfo.InvariantCulture, $"i=0; while [ \"$i\" -lt {addresses.Count} ]; do\n");
            s.Append("  if ip link show dev \"lvw$i\" >/dev/null 2>&1; then ip link set dev \"lvw$i\" name \"eth$i\"; ip link set dev \"eth$i\" up; fi\n");
            s.Append("  i=$((i + 1))\n");
            s.Append("done\n");
        }

        for (var i = 0; i < node.Interfaces.Count; i++)
        {
            s.Append(CultureInfo.InvariantCulture, $"ethtool -K eth{i} tx off >/dev/null 2>&1 || true\n");
        }

        s.Append("ip route del default 2>/dev/null || true\n");
        var ipv6 = node.Interfaces.Any(i => i.Address6 is not null)
            || node.LoopbackAddresses.Any(IsIpv6)
            || node.Routes.Any(r => r.IsIpv6);
        if (ipv6)
        {
            // The engine may install an IPv6 default route through the host's bridge too.
            s.Append("ip -6 route del default 2>/dev/null || true\n");
        }

        for (var i = 0; i < node.Interfaces.Count; i++)
        {
            // replace, not add: the engine may have given the interface this address already.
            if (node.Interfaces[i].Address6 is { } address6)
            {
                s.Append(CultureInfo.InvariantCulture, $"ip -6 addr replace {address6}/{LabTopology.Subnet6Length} dev eth{i} nodad\n");
            }
        }

        foreach (var address in node.LoopbackAddresses)
        {
            if (IsIpv6(address))
            {
                s.Append(CultureInfo.InvariantCulture, $"ip -6 addr replace {address}/128 dev lo nodad\n");
            }
            else
            {
                s.Append(CultureInfo.InvariantCulture, $"ip addr replace {address}/32 dev lo\n");
            }
        }

        foreach (var route in node.Routes)
        {
            s.Append(route.IsIpv6 ? "ip -6 route replace " : "ip route replace ")
                .Append(CultureInfo.InvariantCulture, $"{route.DestinationText} via {route.Via}\n");
        }

        foreach (var command in node.Commands)
        {
            s.Append(command).Append('\n');
        }

        s.Append(CultureInfo.InvariantCulture, $"{{ {DescribeCommands(node.Interfaces.Count)} }} >{MarkerPath}.tmp\n");
        s.Append(CultureInfo.InvariantCulture, $"mv {MarkerPath}.tmp {MarkerPath}\n");
        s.Append("say wired\n");
        s.Append("trap - TERM INT\n");
        s.Append("if [ \"$#\" -eq 0 ]; then exec sleep infinity; fi\n");
        s.Append("exec \"$@\"\n");
        return s.ToString();
    }

    /// <summary>
    /// A shell command that waits (up to <paramref name="timeout"/>) for the node to be wired and
    /// prints <see cref="MarkerPath"/>; exit 1 if it is not wired in time.
    /// </summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The command, for <c>sh -c</c>.</returns>
    public static string WaitCommand(TimeSpan timeout) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"n={(int)(timeout.TotalMilliseconds / 20)}; while [ ! -e {MarkerPath} ]; do n=$((n - 1)); if [ \"$n\" -le 0 ]; then echo 'not wired' >&2; exit 1; fi; sleep 0.02; done; cat {MarkerPath}");

    // A loop that waits, on the script's one budget of tries, while `missing` holds for each address ($a).
    private static void AppendWaitFor(StringBuilder s, IReadOnlyList<string> addresses, string missing)
    {
        s.Append(CultureInfo.InvariantCulture, $"for a in {string.Join(' ', addresses)}; do\n");
        s.Append(CultureInfo.InvariantCulture, $"  while {missing}; do\n");
        s.Append(CultureInfo.InvariantCulture, $"    tries=$((tries - 1)); if [ \"$tries\" -le 0 ]; then say \"no interface with address $a after {InterfaceWait.TotalSeconds:F0} s\"; exit 1; fi\n");
        s.Append("    sleep 0.02\n");
        s.Append("  done\n");
        s.Append("done\n");
    }

    private static bool IsIpv6(System.Net.IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    /// <summary>Shell commands printing <c>ethN MAC IFLINK</c> for each of the first <paramref name="count"/> interfaces.</summary>
    /// <param name="count">How many interfaces.</param>
    /// <returns>The commands, separated by <c>;</c>.</returns>
    public static string DescribeCommands(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => string.Create(
            CultureInfo.InvariantCulture, $"echo eth{i} $(cat /sys/class/net/eth{i}/address) $(cat /sys/class/net/eth{i}/iflink); ")));
}
