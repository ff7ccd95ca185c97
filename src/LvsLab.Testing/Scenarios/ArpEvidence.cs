using System.Net;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Scenarios;

/// <summary>What a capture says about who claims an address by ARP.</summary>
public static class ArpEvidence
{
    /// <summary>The MACs that answered ARP for <paramref name="address"/> in <paramref name="frames"/>.</summary>
    /// <param name="frames">A capture.</param>
    /// <param name="address">The address asked about (e.g. the VIP).</param>
    /// <returns>The distinct sender MACs of ARP replies for it.</returns>
    public static IReadOnlySet<string> Owners(IEnumerable<CapturedFrame> frames, IPAddress address) =>
        frames.Where(f => f.IsArpReplyFor(address))
            .Select(f => string.Join(':', f.Arp!.SenderHardwareAddress.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))))
            .ToHashSet();
}
