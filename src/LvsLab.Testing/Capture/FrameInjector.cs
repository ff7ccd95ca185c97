using SharpPcap;
using SharpPcap.LibPcap;

namespace LvsLab.Testing.Capture;

/// <summary>
/// Puts hand-made frames on a node's link from the host side of its veth: the node receives
/// them as if they came from the network. Used to feed a forwarder malformed frames that no
/// real client would send.
/// </summary>
public static class FrameInjector
{
    /// <summary>Sends <paramref name="frames"/> into the node behind host interface <paramref name="hostInterface"/>.</summary>
    /// <param name="hostInterface">The host side of the node's veth.</param>
    /// <param name="frames">Whole Ethernet frames.</param>
    public static void Send(string hostInterface, IEnumerable<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        using var device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == hostInterface)
            ?? throw new InvalidOperationException($"host interface '{hostInterface}' not found (is this running as root on the Docker host?)");
        device.Open(new DeviceConfiguration { Mode = DeviceModes.None, ReadTimeout = 100 });
        foreach (var frame in frames)
        {
            device.SendPacket(frame);
        }

        device.Close();
    }
}
