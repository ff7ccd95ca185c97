using System.Globalization;
using LvsLab.Director.Vrrp;

namespace LvsLab.Director.Host.Vrrp;

/// <summary>
/// The director's VRRP instance as <c>--vrrp</c> (or <c>LVS_VRRP</c>) gives it:
/// <c>VRID,PRIORITY[,INTERVAL][,nopreempt]</c>, e.g. <c>51,150,100ms</c>: virtual router id
/// 1–255, priority 1–255 (255: the owner), advertisement interval (<c>100ms</c>, <c>1s</c>; a
/// multiple of 10 ms from 10 ms to 40.95 s; default 1 s), and preemption (on unless
/// <c>nopreempt</c>). One virtual router holds every VIP of the director's rules.
/// </summary>
/// <param name="VirtualRouterId">The VRID, 1–255.</param>
/// <param name="Priority">The priority, 1–255.</param>
/// <param name="IntervalCentiseconds">The advertisement interval in centiseconds.</param>
/// <param name="Preempt">Whether a higher priority takes over from a running master.</param>
internal sealed record VrrpSetting(byte VirtualRouterId, byte Priority, int IntervalCentiseconds, bool Preempt)
{
    /// <summary>Parses the setting; throws <see cref="ArgumentException"/> naming the bad part.</summary>
    public static VrrpSetting Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 4)
        {
            throw new ArgumentException($"--vrrp '{text}': VRID,PRIORITY[,INTERVAL][,nopreempt], e.g. 51,150,100ms");
        }

        byte vrid = parts[0] is var v && byte.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out byte id) && id > 0
            ? id
            : throw new ArgumentException($"--vrrp '{text}': virtual router id '{parts[0]}' is not 1..255");
        byte priority = byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out byte p) && p > 0
            ? p
            : throw new ArgumentException($"--vrrp '{text}': priority '{parts[1]}' is not 1..255");
        int interval = VrrpRouterOptions.DefaultAdvertisementInterval;
        bool preempt = true;
        foreach (string part in parts.Skip(2))
        {
            if (part == "nopreempt")
            {
                preempt = false;
            }
            else
            {
                interval = Centiseconds(part) ?? throw new ArgumentException($"--vrrp '{text}': interval '{part}' is not a multiple of 10 ms from 10ms to 40950ms (e.g. 100ms, 1s), nor 'nopreempt'");
            }
        }

        return new VrrpSetting(vrid, priority, interval, preempt);
    }

    /// <summary>The router's options for this setting.</summary>
    /// <param name="primaryAddress">The interface's own address, the advertisements' source.</param>
    /// <param name="virtualAddresses">The VIPs.</param>
    public VrrpRouterOptions Options(Packets.Ipv4Address primaryAddress, IEnumerable<Packets.Ipv4Address> virtualAddresses) =>
        new(VirtualRouterId, Priority, primaryAddress, virtualAddresses) { AdvertisementInterval = IntervalCentiseconds, Preempt = Preempt };

    private static int? Centiseconds(string text)
    {
        (string number, int scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1) : text.EndsWith('s') ? (text[..^1], 1000) : (text, 0);
        if (scale == 0 || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            return null;
        }

        long milliseconds = (long)value * scale;
        return milliseconds % 10 == 0 && milliseconds / 10 is >= 1 and <= Packets.Vrrp.VrrpAdvertisement.MaxInterval ? (int)(milliseconds / 10) : null;
    }
}
