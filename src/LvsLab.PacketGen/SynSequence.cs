using System.Net;

namespace LvsLab.PacketGen;

/// <summary>
/// The SYNs of one run, to one destination: each from a source address drawn uniformly from a
/// <see cref="SourceRange"/> and a source port drawn from 1024 to 65535, with a drawn sequence
/// number and IPv4 identification, all from one <see cref="Random"/> seeded with the run's seed,
/// so that a seed always gives the same packets.
/// </summary>
internal sealed class SynSequence
{
    /// <summary>The lowest source port drawn.</summary>
    public const int LowestPort = 1024;

    /// <summary>The highest source port drawn.</summary>
    public const int HighestPort = 65535;

    private readonly Random random;
    private readonly SourceRange sources;
    private readonly uint destination;
    private readonly ushort destinationPort;

    /// <summary>SYNs to <paramref name="to"/> from <paramref name="sources"/>, drawn as <paramref name="seed"/> says.</summary>
    public SynSequence(IPEndPoint to, SourceRange sources, int seed)
    {
        ArgumentNullException.ThrowIfNull(to);
        destination = SourceRange.ToUInt32(to.Address);
        destinationPort = (ushort)to.Port;
        this.sources = sources;
        random = new Random(seed);
    }

    /// <summary>Writes the next SYN into <paramref name="packet"/> (at least <see cref="SynPacket.Length"/> bytes).</summary>
    /// <returns><see cref="SynPacket.Length"/>.</returns>
    public int Next(Span<byte> packet)
    {
        var source = sources.Draw(random);
        var sourcePort = (ushort)random.Next(LowestPort, HighestPort + 1);
        var sequence = (uint)random.NextInt64(0, 1L << 32);
        var identification = (ushort)random.Next(0, 1 << 16);
        return SynPacket.Write(packet, source, sourcePort, destination, destinationPort, sequence, identification);
    }
}
