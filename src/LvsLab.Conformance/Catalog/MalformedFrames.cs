using System.Buffers.Binary;
using System.Net;
using LvsLab.Testing.Expectations;

namespace LvsLab.Conformance.Catalog;

/// <summary>Malformed TCP SYNs for a virtual service, built byte by byte: each is marked by its own source port.</summary>
internal static class MalformedFrames
{
    /// <summary>A SYN whose IPv4 header checksum is wrong.</summary>
    public static byte[] BadIpChecksum(string destinationMac, string sourceMac, IPAddress client, IPEndPoint service, ushort sourcePort)
    {
        var frame = Syn(destinationMac, sourceMac, client, service, sourcePort);
        frame[14 + 10] ^= 0x5a;
        return frame;
    }

    /// <summary>A SYN whose IPv4 total length (and the frame) ends 10 bytes into the 20-byte TCP header.</summary>
    public static byte[] TruncatedTcp(string destinationMac, string sourceMac, IPAddress client, IPEndPoint service, ushort sourcePort)
    {
        var frame = Syn(destinationMac, sourceMac, client, service, sourcePort)[..(14 + 20 + 10)];
        var ip = frame.AsSpan(14, 20);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 30);
        ip[10] = 0;
        ip[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Ipv4Header(ip));
        return frame;
    }

    /// <summary>A well-formed SYN with valid checksums.</summary>
    public static byte[] Syn(string destinationMac, string sourceMac, IPAddress client, IPEndPoint service, ushort sourcePort)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(service);
        var frame = new byte[14 + 20 + 20];
        Mac(destinationMac).CopyTo(frame, 0);
        Mac(sourceMac).CopyTo(frame, 6);
        frame[12] = 0x08;
        var ip = frame.AsSpan(14, 20);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 40);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], sourcePort);
        ip[8] = 64;
        ip[9] = 6;
        client.GetAddressBytes().CopyTo(ip[12..]);
        service.Address.GetAddressBytes().CopyTo(ip[16..]);
        var tcp = frame.AsSpan(34, 20);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)service.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], 1000);
        tcp[12] = 0x50;
        tcp[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 64240);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Ipv4Header(ip));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Transport(frame.AsSpan(14, 40)));
        return frame;
    }

    private static byte[] Mac(string text) => [.. text.Split(':').Select(b => Convert.ToByte(b, 16))];
}
