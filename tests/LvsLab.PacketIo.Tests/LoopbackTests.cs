using System.Buffers.Binary;
using System.Diagnostics;
using Xunit;

namespace LvsLab.PacketIo.Tests;

/// <summary>
/// The packet socket on this machine's loopback interface: frames of an experimental EtherType
/// (0x88B5, IEEE's "local experimental"), which no protocol of the kernel takes and which never
/// leave the machine, are sent in batches by one socket and read from another's receive ring.
/// Needs CAP_NET_RAW (root); skipped otherwise.
/// </summary>
public class LoopbackTests
{
    private const ushort Experimental = 0x88B5;

    [SkippableFact]
    public void BatchedFramesArriveOnceEachInOrderThroughTheRing()
    {
        SkipUnlessRaw();
        using var receiver = PacketSocket.Open("lo");
        using var sender = PacketSocket.Open("lo");
        Assert.True(receiver.IgnoresOutgoing, "the kernel refused PACKET_IGNORE_OUTGOING");
        var tag = Random.Shared.Next();
        const int Frames = 2000;
        using (var batch = new FrameBatch(64, 256))
        {
            for (var sequence = 0; sequence < Frames;)
            {
                for (; sequence < Frames && !batch.IsFull; sequence++)
                {
                    batch.Commit(Write(batch.Next, tag, sequence, 60 + (sequence % 100)));
                }

                Assert.Equal(batch.Count, batch.Send(sender.Descriptor, out var errno));
                Assert.Equal(0, errno);
                batch.Clear();
            }
        }

        var seen = Drain(receiver, tag, Frames);

        Assert.Equal(Enumerable.Range(0, Frames), seen.Select(s => s.Sequence));
        Assert.All(seen, s => Assert.Equal(60 + (s.Sequence % 100), s.Length));
    }

    [SkippableTheory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void IgnoringOutgoingFramesKeepsOneCopyOfEach(bool ignoreOutgoing, int copies)
    {
        // Sent through the qdisc, a frame on lo passes the packet taps twice (leaving and
        // arriving); PACKET_IGNORE_OUTGOING is what keeps only the arriving copy (the second
        // case is the control that shows it). Sent past the qdisc (the test above), the leaving
        // copy never reaches the taps at all.
        SkipUnlessRaw();
        using var receiver = PacketSocket.Open("lo", new PacketSocketOptions { IgnoreOutgoing = ignoreOutgoing });
        using var sender = PacketSocket.Open("lo", new PacketSocketOptions { QdiscBypass = false });
        var tag = Random.Shared.Next();
        var frame = new byte[64];
        for (var sequence = 0; sequence < 50; sequence++)
        {
            Assert.Equal(0, sender.Send(frame.AsSpan(0, Write(frame, tag, sequence, 64))));
        }

        var seen = Drain(receiver, tag, 50 * copies);
        Assert.Equal(50 * copies, seen.Count);
        Assert.All(seen.GroupBy(s => s.Sequence), g => Assert.Equal(copies, g.Count()));
    }

    [SkippableFact]
    public void AFrameLongerThanASlotIsMarkedTruncated()
    {
        SkipUnlessRaw();
        using var receiver = PacketSocket.Open("lo", new PacketSocketOptions { FrameSize = 2048, FrameCount = 64 });
        using var sender = PacketSocket.Open("lo");
        var tag = Random.Shared.Next();
        var frame = new byte[4000];
        Assert.Equal(0, sender.Send(frame.AsSpan(0, Write(frame, tag, 7, 4000))));
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            PacketSocket.WaitAny([receiver], 100);
            while (receiver.TryPeek(out var received))
            {
                var mine = received.Data.Length >= 22 && Matches(received.Data, tag);
                var truncated = received.Truncated;
                var wire = received.WireLength;
                var length = received.Data.Length;
                receiver.Release();
                if (mine)
                {
                    Assert.True(truncated);
                    Assert.Equal(4000, wire);
                    Assert.True(length <= receiver.MaxFrameLength + 96);
                    return;
                }
            }
        }

        Assert.Fail("the long frame never arrived");
    }

    [SkippableFact]
    public void AVlanTagTakenOffByTheKernelIsReported()
    {
        // The kernel moves an 802.1Q tag into the ring's header: the frame in the slot has no
        // tag, and only the status says there was one (a forwarder must not pass it on as if
        // it were untagged). An untagged frame says no such thing.
        SkipUnlessRaw();
        using var receiver = PacketSocket.Open("lo");
        using var sender = PacketSocket.Open("lo");
        var tag = Random.Shared.Next();
        var plain = new byte[64];
        Write(plain, tag, 1, 64);
        var tagged = new byte[68];
        plain.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), 42);
        plain.AsSpan(12).CopyTo(tagged.AsSpan(16));
        BinaryPrimitives.WriteInt32BigEndian(tagged.AsSpan(22), 2);
        Assert.Equal(0, sender.Send(plain));
        Assert.Equal(0, sender.Send(tagged));

        var seen = new Dictionary<int, (bool Vlan, int Length)>();
        var watch = Stopwatch.StartNew();
        while (seen.Count < 2 && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            PacketSocket.WaitAny([receiver], 100);
            while (receiver.TryPeek(out var frame))
            {
                if (frame.Data.Length >= 22 && Matches(frame.Data, tag))
                {
                    seen[BinaryPrimitives.ReadInt32BigEndian(frame.Data[18..])] = (frame.VlanTagged, frame.Data.Length);
                }

                receiver.Release();
            }
        }

        Assert.Equal((false, 64), seen[1]);
        Assert.Equal((true, 64), seen[2]);
    }

    [Fact]
    public void AMissingInterfaceIsNamed()
    {
        var e = Assert.ThrowsAny<Exception>(() => PacketSocket.Open("nosuch0"));
        Assert.Contains("nosuch0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1000, 4096, "frame size 1000")]
    [InlineData(3000, 4096, "frame size 3000")]
    [InlineData(2048, 4, "frame count 4")]
    public void BadGeometryIsRefusedByName(int size, int count, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => PacketSocket.Open("lo", new PacketSocketOptions { FrameSize = size, FrameCount = count }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABatchRefusesMoreThanItHolds()
    {
        using var batch = new FrameBatch(2, 64);
        batch.Add(new byte[10]);
        batch.Add(new byte[64]);
        Assert.True(batch.IsFull);
        Assert.Throws<InvalidOperationException>(() => batch.Add(new byte[10]));
        using var small = new FrameBatch(4, 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => small.Add(new byte[65]));
        batch.Clear();
        Assert.Equal(0, batch.Count);
    }

    private static void SkipUnlessRaw() => Skip.IfNot(Environment.UserName == "root" || Environment.GetEnvironmentVariable("LVSLAB_RAW") == "1", "needs CAP_NET_RAW (run as root) to open AF_PACKET sockets");

    // Ethernet: broadcast destination, a local source, EtherType 0x88B5; payload: tag, sequence.
    private static int Write(Span<byte> frame, int tag, int sequence, int length)
    {
        frame[..length].Clear();
        frame[..6].Fill(0xFF);
        frame[6] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], Experimental);
        BinaryPrimitives.WriteInt32BigEndian(frame[14..], tag);
        BinaryPrimitives.WriteInt32BigEndian(frame[18..], sequence);
        return length;
    }

    private static bool Matches(ReadOnlySpan<byte> frame, int tag) =>
        BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == Experimental && BinaryPrimitives.ReadInt32BigEndian(frame[14..]) == tag;

    private static List<(int Sequence, int Length)> Drain(PacketSocket receiver, int tag, int expected)
    {
        var seen = new List<(int, int)>();
        var watch = Stopwatch.StartNew();
        while (seen.Count < expected && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            PacketSocket.WaitAny([receiver], 100);
            while (receiver.TryPeek(out var frame))
            {
                if (frame.Data.Length >= 22 && Matches(frame.Data, tag))
                {
                    seen.Add((BinaryPrimitives.ReadInt32BigEndian(frame.Data[18..]), frame.Data.Length));
                }

                receiver.Release();
            }
        }

        // Anything late (a copy that should not exist) shows up within a moment.
        PacketSocket.WaitAny([receiver], 50);
        while (receiver.TryPeek(out var frame))
        {
            if (frame.Data.Length >= 22 && Matches(frame.Data, tag))
            {
                seen.Add((BinaryPrimitives.ReadInt32BigEndian(frame.Data[18..]), frame.Data.Length));
            }

            receiver.Release();
        }

        return seen;
    }
}
