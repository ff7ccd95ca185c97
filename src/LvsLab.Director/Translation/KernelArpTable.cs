using LvsLab.Packets;

namespace LvsLab.Director.Translation;

/// <summary>Reads the kernel's ARP table as <c>/proc/net/arp</c> shows it.</summary>
public static class KernelArpTable
{
    /// <summary>The file the kernel shows its ARP table in.</summary>
    public const string DefaultPath = "/proc/net/arp";

    /// <summary>The MACs of the complete entries (flags <c>0x2</c>); a line that is not one is skipped.</summary>
    /// <param name="text">The file's text: a heading line, then IP address, HW type, flags, HW address, mask and device per line.</param>
    /// <returns>Address to MAC.</returns>
    public static IReadOnlyDictionary<Ipv4Address, MacAddress> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var table = new Dictionary<Ipv4Address, MacAddress>();
        foreach (string line in text.Split('\n').Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 4 && f[2] == "0x2" && Ipv4Address.TryParse(f[0], out Ipv4Address ip) && MacAddress.TryParse(f[3], out MacAddress mac))
            {
                table[ip] = mac;
            }
        }

        return table;
    }
}
