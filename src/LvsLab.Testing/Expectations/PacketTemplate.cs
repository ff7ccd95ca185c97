using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// An expected Ethernet frame with a mask of the bits that matter (PTF's packet plus mask): a
/// seen frame matches when it equals the template in every bit the mask keeps. Templates are
/// immutable; each method returns a changed copy. Field positions come from the template's own
/// headers (<see cref="PacketField"/>). The template's length is its significant length (the end
/// of its IPv4 packet): bytes a seen frame has after it (Ethernet padding) are not compared,
/// and a longer IP packet shows up as a different IP total length.
/// </summary>
public sealed class PacketTemplate
{
    private readonly byte[] frame;
    private readonly byte[] mask;
    private readonly FrameLayout layout;

    private PacketTemplate(string description, byte[] frame, byte[] mask, IReadOnlyList<PacketField> validChecksums)
    {
        Description = description;
        this.frame = frame;
        this.mask = mask;
        layout = FrameLayout.Of(frame);
        ValidChecksums = validChecksums;
    }

    /// <summary>What the template expects, in words (e.g. <c>DR frame to rs2</c>); starts every summary.</summary>
    public string Description { get; }

    /// <summary>The expected frame.</summary>
    public ReadOnlyMemory<byte> Frame => frame;

    /// <summary>The mask, one byte per frame byte: set bits are compared, clear bits are "don't care".</summary>
    public ReadOnlyMemory<byte> Mask => mask;

    /// <summary>Bytes compared.</summary>
    public int Length => frame.Length;

    /// <summary>Bytes of which at least one bit is compared.</summary>
    public int ComparedBytes => mask.Count(m => m != 0);

    /// <summary>
    /// Checksum fields a seen frame must carry correct values in, whatever the mask says: for
    /// checksums masked because their value cannot be predicted but that must still be right.
    /// </summary>
    public IReadOnlyList<PacketField> ValidChecksums { get; }

    /// <summary>A template expecting exactly <paramref name="frame"/> (its IPv4 packet; Ethernet padding dropped).</summary>
    /// <param name="frame">A whole Ethernet frame.</param>
    /// <param name="description">What the template expects, in words.</param>
    /// <returns>The template, every bit compared.</returns>
    public static PacketTemplate FromFrame(ReadOnlySpan<byte> frame, string description)
    {
        var bytes = frame[..FrameLayout.Of(frame).Length].ToArray();
        var all = new byte[bytes.Length];
        all.AsSpan().Fill(0xFF);
        return new PacketTemplate(description, bytes, all, validChecksums: []);
    }

    /// <summary>A template expecting exactly the frame a tap captured.</summary>
    /// <param name="frame">The captured frame.</param>
    /// <param name="description">What the template expects, in words.</param>
    /// <returns>The template, every bit compared.</returns>
    public static PacketTemplate FromFrame(CapturedFrame frame, string description)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return FromFrame(frame.Data, description);
    }

    /// <summary>Whether the template's frame has <paramref name="field"/>.</summary>
    /// <param name="field">The field.</param>
    /// <returns>True when it does.</returns>
    public bool Has(PacketField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Locate(layout) is not null;
    }

    /// <summary>Where <paramref name="field"/> lies in the template's frame.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The location.</returns>
    /// <exception cref="ArgumentException">The frame has no such field.</exception>
    public FieldLocation Locate(PacketField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Locate(layout)
            ?? throw new ArgumentException($"{Description}: the frame has no {field.Name}.", nameof(field));
    }

    /// <summary>The same template under another description.</summary>
    /// <param name="description">What the template expects, in words.</param>
    /// <returns>The renamed template.</returns>
    public PacketTemplate Describe(string description) => new(description, frame, mask, ValidChecksums);

    /// <summary>A copy that does not compare <paramref name="fields"/>.</summary>
    /// <param name="fields">The fields that may hold anything.</param>
    /// <returns>The new template.</returns>
    /// <exception cref="ArgumentException">The frame lacks one of the fields (a mistake: e.g. a TCP field on UDP).</exception>
    public PacketTemplate Ignore(params PacketField[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var newMask = (byte[])mask.Clone();
        foreach (var field in fields)
        {
            var at = Locate(field);
            for (int i = at.Offset; i < at.End; i++)
            {
                newMask[i] &= (byte)~at.BitsAt(i);
            }
        }

        return new PacketTemplate(Description, frame, newMask, ValidChecksums);
    }

    /// <summary>A copy that does not compare <paramref name="length"/> bytes from <paramref name="offset"/> (prefer <see cref="Ignore"/>).</summary>
    /// <param name="offset">The first byte.</param>
    /// <param name="length">How many bytes.</param>
    /// <returns>The new template.</returns>
    public PacketTemplate IgnoreBytes(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, frame.Length, nameof(length));
        var newMask = (byte[])mask.Clone();
        newMask.AsSpan(offset, length).Clear();
        return new PacketTemplate(Description, frame, newMask, ValidChecksums);
    }

    /// <summary>A copy that also requires a correct value in <paramref name="checksum"/> of a seen frame (masked or not).</summary>
    /// <param name="checksum">
    /// <see cref="PacketField.IpChecksum"/>, <see cref="PacketField.InnerIpChecksum"/>,
    /// <see cref="PacketField.TcpChecksum"/>, <see cref="PacketField.UdpChecksum"/> or <see cref="PacketField.TransportChecksum"/>.
    /// </param>
    /// <returns>The new template.</returns>
    /// <exception cref="ArgumentException">Not a checksum field.</exception>
    public PacketTemplate RequireValidChecksum(PacketField checksum)
    {
        if (!ChecksumProblems.Checkable.Contains(checksum))
        {
            throw new ArgumentException($"{checksum} is not a checksum field.", nameof(checksum));
        }

        return new(Description, frame, mask, [.. ValidChecksums.Append(checksum).Distinct()]);
    }

    /// <summary>A copy with <paramref name="field"/> set to <paramref name="value"/> (big-endian; shifted into place for a field of part of a byte).</summary>
    /// <param name="field">The field, of at most 8 bytes.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new template.</returns>
    public PacketTemplate WithNumber(PacketField field, ulong value)
    {
        var at = Locate(field);
        if (at.Length is 0 or > 8)
        {
            throw new ArgumentException($"{field.Name} is not a number field.", nameof(field));
        }

        var bytes = (byte[])frame.Clone();
        if (at.Length == 1)
        {
            value <<= BitOperations.TrailingZeroCount(at.FirstByteBits);
        }

        for (int i = at.End - 1; i >= at.Offset; i--, value >>= 8)
        {
            byte bits = at.BitsAt(i);
            bytes[i] = (byte)((bytes[i] & ~bits) | ((byte)value & bits));
        }

        return new PacketTemplate(Description, bytes, mask, ValidChecksums);
    }

    /// <summary>A copy with <paramref name="field"/> (a MAC field) set to <paramref name="mac"/>.</summary>
    /// <param name="field">A 6-byte field.</param>
    /// <param name="mac">The MAC, <c>aa:bb:cc:dd:ee:ff</c> or <c>aa-bb-…</c>.</param>
    /// <returns>The new template.</returns>
    public PacketTemplate WithMac(PacketField field, string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var parts = mac.Split(':', '-');
        if (parts.Length != 6)
        {
            throw new ArgumentException($"'{mac}' is not a MAC address.", nameof(mac));
        }

        return WithBytes(field, parts.Select(p => byte.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>A copy with <paramref name="field"/> (an address field) set to <paramref name="address"/>.</summary>
    /// <param name="field">A 4-byte field.</param>
    /// <param name="address">An IPv4 address.</param>
    /// <returns>The new template.</returns>
    public PacketTemplate WithAddress(PacketField field, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{address} is not an IPv4 address.", nameof(address));
        }

        return WithBytes(field, address.GetAddressBytes());
    }

    /// <summary>A copy with the bytes of <paramref name="field"/> replaced by <paramref name="value"/> (same length).</summary>
    /// <param name="field">The field.</param>
    /// <param name="value">The new bytes.</param>
    /// <returns>The new template.</returns>
    public PacketTemplate WithBytes(PacketField field, ReadOnlySpan<byte> value)
    {
        var at = Locate(field);
        if (value.Length != at.Length)
        {
            throw new ArgumentException($"{field.Name} is {at.Length} bytes, not {value.Length}.", nameof(value));
        }

        var bytes = (byte[])frame.Clone();
        for (int i = 0; i < value.Length; i++)
        {
            byte bits = at.BitsAt(at.Offset + i);
            bytes[at.Offset + i] = (byte)((bytes[at.Offset + i] & ~bits) | (value[i] & bits));
        }

        return new PacketTemplate(Description, bytes, mask, ValidChecksums);
    }

    /// <summary>The value of <paramref name="field"/> in the template's frame, as a number.</summary>
    /// <param name="field">A field of at most 8 bytes.</param>
    /// <returns>The value.</returns>
    public ulong ReadNumber(PacketField field)
    {
        var at = Locate(field);
        return at.Length is 0 or > 8
            ? throw new ArgumentException($"{field.Name} is not a number field.", nameof(field))
            : PacketField.ReadNumber(frame, at);
    }

    /// <summary>
    /// A copy whose IPv4 header checksums (outer and inner) and TCP/UDP checksum are the correct
    /// ones for its bytes, computed with <see cref="InternetChecksum"/>. A UDP checksum of 0 (none
    /// sent) stays 0. The checksums stay compared: an expectation holds the right values.
    /// </summary>
    /// <returns>The new template.</returns>
    public PacketTemplate WithChecksumsRecomputed()
    {
        var bytes = (byte[])frame.Clone();
        if (layout.TransportOffset >= 0)
        {
            int checksumAt = layout.TransportOffset + (layout.IsTcp ? 16 : 6);
            bool udpWithout = layout.IsUdp && BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(checksumAt)) == 0;
            if (!udpWithout)
            {
                var carried = bytes.AsSpan(layout.CarriedIpOffset, layout.CarriedEnd - layout.CarriedIpOffset);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(checksumAt), InternetChecksum.Transport(carried));
            }
        }

        foreach (var (offset, length) in new[] { (layout.InnerIpOffset, layout.InnerIpHeaderLength), (layout.IpOffset, layout.IpHeaderLength) })
        {
            if (offset >= 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset + 10), InternetChecksum.Ipv4Header(bytes.AsSpan(offset, length)));
            }
        }

        return new PacketTemplate(Description, bytes, mask, ValidChecksums);
    }

    /// <summary>Whether <paramref name="seen"/> matches the template.</summary>
    /// <param name="seen">A whole Ethernet frame.</param>
    /// <returns>True on a match.</returns>
    public bool Matches(ReadOnlySpan<byte> seen) => Compare(seen).Matched;

    /// <summary>Compares <paramref name="seen"/> with the template under the mask.</summary>
    /// <param name="seen">A whole Ethernet frame.</param>
    /// <returns>The differences (none on a match).</returns>
    public FrameComparison Compare(ReadOnlySpan<byte> seen)
    {
        var differences = new List<ByteDifference>();
        for (int i = 0; i < frame.Length; i++)
        {
            byte? got = i < seen.Length ? seen[i] : null;
            byte differing = got is byte g ? (byte)((g ^ frame[i]) & mask[i]) : mask[i];
            if (differing != 0)
            {
                differences.Add(new ByteDifference(i, frame[i], got, mask[i], FieldAt(i, differing)));
            }
        }

        var problems = ValidChecksums.Count > 0 ? ChecksumProblems.Of(seen, ValidChecksums) : [];
        return new FrameComparison(this, seen.ToArray(), differences, problems);
    }

    /// <summary>The location of <paramref name="field"/> in the template's frame, or null.</summary>
    /// <param name="field">The field.</param>
    /// <returns>The location.</returns>
    internal FieldLocation? Find(PacketField field) => field.Locate(layout);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Description} ({frame.Length} bytes, {frame.Length - ComparedBytes} ignored)");

    private PacketField? FieldAt(int offset, byte bits) =>
        PacketField.Naming.FirstOrDefault(f => f.Locate(layout) is { } at && (at.BitsAt(offset) & bits) != 0);
}
