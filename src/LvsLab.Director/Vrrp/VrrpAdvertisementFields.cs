using LvsLab.Packets.Vrrp;

namespace LvsLab.Director.Vrrp;

/// <summary>The fields of a received advertisement that the state machine acts on.</summary>
/// <param name="VirtualRouterId">The VRID.</param>
/// <param name="Priority">The sender's priority: 0 for a master that stops, 255 for the address owner.</param>
/// <param name="MaxAdvertisementInterval">The sender's advertisement interval in centiseconds, 1 to 4095.</param>
public readonly record struct VrrpAdvertisementFields(byte VirtualRouterId, byte Priority, int MaxAdvertisementInterval)
{
    /// <summary>The fields of a validated advertisement.</summary>
    /// <param name="advertisement">A view that <see cref="VrrpAdvertisement.TryRead"/> accepted.</param>
    /// <returns>Its VRID, priority and interval.</returns>
    public static VrrpAdvertisementFields From(VrrpAdvertisement advertisement) =>
        new(advertisement.VirtualRouterId, advertisement.Priority, advertisement.MaxAdvertisementInterval);
}
