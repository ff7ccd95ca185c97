using System.Globalization;
using LvsLab.Lab.Runtime;

namespace LvsLab.Lab.Docker;

/// <summary>
/// Lets frames that enter and leave the same lab bridge pass the host's iptables. With
/// <c>bridge-nf-call-iptables=1</c>, Docker's isolation rules for internal networks drop
/// bridged frames whose destination lies outside the network's subnet (a VIP, a routed reply).
/// One accept rule per lab bridge in <c>DOCKER-USER</c> (<c>-i br-X -o br-X</c>) fixes that
/// while the network stays internal: nothing is opened towards the host or beyond. Each rule
/// carries the comment <c>lvslab</c> so a sweep removes rules whose bridge is gone.
/// </summary>
public static class HostFirewall
{
    private const string Chain = "DOCKER-USER";
    private const string Comment = "lvslab";

    /// <summary>Adds the accept rule for <paramref name="bridge"/> unless present.</summary>
    /// <param name="bridge">The bridge's interface name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public static async Task AllowWithinAsync(string bridge, CancellationToken cancellationToken)
    {
        var rule = Rule(bridge);
        if ((await IptablesAsync(["-C", Chain, .. rule], cancellationToken)).ExitCode == 0)
        {
            return;
        }

        (await IptablesAsync(["-I", Chain, .. rule], cancellationToken)).EnsureSuccess($"adding the {Chain} rule for {bridge}");
    }

    /// <summary>Removes the accept rule for <paramref name="bridge"/> if present.</summary>
    /// <param name="bridge">The bridge's interface name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public static async Task RemoveAsync(string bridge, CancellationToken cancellationToken)
    {
        while ((await IptablesAsync(["-D", Chain, .. Rule(bridge)], cancellationToken)).ExitCode == 0)
        {
            // A rule added twice (two racing runs) is removed twice.
        }
    }

    /// <summary>Removes lab rules whose bridge no longer exists.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>How many rules were removed.</returns>
    public static async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var listing = await IptablesAsync(["-S", Chain], cancellationToken);
        if (listing.ExitCode != 0)
        {
            return 0;
        }

        var removed = 0;
        foreach (var line in listing.Stdout.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var i = Array.IndexOf(words, "-i");
            if (!line.Contains("--comment " + Comment, StringComparison.Ordinal) || i < 0 || i + 1 >= words.Length)
            {
                continue;
            }

            var bridge = words[i + 1];
            if (!Directory.Exists($"/sys/class/net/{bridge}"))
            {
                await RemoveAsync(bridge, cancellationToken);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The bridge Docker made for network id <paramref name="networkId"/>.</summary>
    /// <param name="networkId">The Docker network's id.</param>
    /// <returns>Its interface name, <c>br-</c> and 12 characters of the id.</returns>
    public static string BridgeOf(string networkId) => string.Create(CultureInfo.InvariantCulture, $"br-{networkId[..12]}");

    private static string[] Rule(string bridge) =>
        ["-i", bridge, "-o", bridge, "-m", "comment", "--comment", Comment, "-j", "ACCEPT"];

    private static Task<ExecResult> IptablesAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        IsRoot()
            ? ProcessRunner.RunAsync("iptables", ["-w", .. arguments], null, cancellationToken)
            : ProcessRunner.RunAsync("sudo", ["-n", "iptables", "-w", .. arguments], null, cancellationToken);

    private static bool IsRoot()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    return line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0";
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
