using System.Net;

namespace LvsLab.Testing.Expectations;

/// <summary>The rewrite both NAT directions share: one address and port, TTL − 1, checksums, MACs.</summary>
internal static class NatRewriting
{
    /// <summary>The expected frame after a NAT rewrite of <paramref name="inbound"/>.</summary>
    /// <param name="inbound">The frame the director received.</param>
    /// <param name="description">The template's description.</param>
    /// <param name="directorMac">The new Ethernet source.</param>
    /// <param name="nextHopMac">The new Ethernet destination.</param>
    /// <param name="addressField">The address rewritten.</param>
    /// <param name="portField">The port rewritten.</param>
    /// <param name="endPoint">The new address and port.</param>
    /// <returns>The template, every bit compared, checksums correct.</returns>
    public static PacketTemplate Rewrite(
        ReadOnlySpan<byte> inbound,
        string description,
        string directorMac,
        string nextHopMac,
        PacketField addressField,
        PacketField portField,
        IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var template = PacketTemplate.FromFrame(inbound, description);
        if (!template.Has(portField) || template.Has(PacketField.InnerIpHeader))
        {
            throw new ArgumentException($"{description}: NAT rewrites IPv4 TCP or UDP; the frame is neither.", nameof(inbound));
        }

        ulong ttl = template.ReadNumber(PacketField.IpTtl);
        if (ttl <= 1)
        {
            throw new ArgumentException($"{description}: TTL {ttl} expires at the director; nothing is forwarded.", nameof(inbound));
        }

        return template
            .WithMac(PacketField.SourceMac, directorMac)
            .WithMac(PacketField.DestinationMac, nextHopMac)
            .WithAddress(addressField, endPoint.Address)
            .WithNumber(portField, (ulong)endPoint.Port)
            .WithNumber(PacketField.IpTtl, ttl - 1)
            .WithChecksumsRecomputed();
    }
}
