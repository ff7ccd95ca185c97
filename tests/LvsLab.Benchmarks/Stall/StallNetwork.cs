using System.Diagnostics;

namespace LvsLab.Benchmarks.Stall;

/// <summary>
/// The stall bench's private link: a veth pair whose director end lives in its own network
/// namespace with a private address, and whose other end stays in the host's namespace with no
/// address at all, so nothing but the bench's own frames ever crosses it. Removed on dispose,
/// and a leftover from a killed run is removed before a new one is made.
/// </summary>
internal sealed class StallNetwork : IDisposable
{
    /// <summary>The namespace's name.</summary>
    public const string Namespace = "lvslab-stall";

    /// <summary>The host's end of the link (the bench sends and captures here).</summary>
    public const string LanEnd = "lvslab-stall0";

    /// <summary>The director's end of the link, inside <see cref="Namespace"/>.</summary>
    public const string DirectorEnd = "dir0";

    /// <summary>The MAC of the host's end (the "router" the client frames come from).</summary>
    public static readonly byte[] LanMac = [0x02, 0x00, 0x5a, 0x00, 0x00, 0x02];

    /// <summary>The MAC of the director's end.</summary>
    public static readonly byte[] DirectorMac = [0x02, 0x00, 0x5a, 0x00, 0x00, 0x03];

    private StallNetwork()
    {
    }

    /// <summary>Makes the namespace and the link (root only).</summary>
    /// <returns>The network; dispose it to remove both.</returns>
    public static StallNetwork Create()
    {
        Remove();
        Ip($"netns add {Namespace}");
        Ip($"link add {LanEnd} address {Mac(LanMac)} type veth peer name {DirectorEnd} address {Mac(DirectorMac)} netns {Namespace}");
        Run("sysctl", $"-qw net.ipv6.conf.{LanEnd}.disable_ipv6=1");
        Ip($"link set {LanEnd} up");
        Ip($"netns exec {Namespace} sysctl -qw net.ipv6.conf.all.disable_ipv6=1");
        Ip($"-n {Namespace} address add {StallPlan.DirectorAddress}/24 dev {DirectorEnd}");
        Ip($"-n {Namespace} link set {DirectorEnd} up");
        Ip($"-n {Namespace} link set lo up");
        return new StallNetwork();
    }

    /// <inheritdoc/>
    public void Dispose() => Remove();

    private static void Remove()
    {
        Run("ip", $"link delete {LanEnd}", quiet: true);
        Run("ip", $"netns delete {Namespace}", quiet: true);
    }

    private static string Mac(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static void Ip(string arguments) => Run("ip", arguments);

    private static void Run(string program, string arguments, bool quiet = false)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"cannot start {program}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !quiet)
        {
            throw new InvalidOperationException($"{program} {arguments}: exit {process.ExitCode}: {error.Trim()}");
        }
    }
}
