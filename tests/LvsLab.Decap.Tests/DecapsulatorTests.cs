using System.Buffers.Binary;
using Xunit;

namespace LvsLab.Decap.Tests;

public class DecapsulatorTests
{
    [Fact]
    public void GoodPacketGivesExactlyTheInnerPacket()
    {
        var inner = TestPackets.IcmpEcho();
        var outer = TestPackets.Wrap(inner);
        var decap = new Decapsulator();

        var result = decap.Process(outer, out var offset, out var length);

        Assert.Equal(DecapResult.Deliver, result);
        Assert.Equal(20, offset);
        Assert.Equal(inner.Length, length);
        Assert.Equal(inner, outer.AsSpan(offset, length).ToArray());
        Assert.Equal(1, decap.Received);
        Assert.Equal(0, decap.TotalDropped);
    }

    [Fact]
    public void OuterAndInnerOptionsAreHonoured()
    {
        var inner = TestPackets.IcmpEcho(dataLength: 5, optionWords: 2);
        var outer = TestPackets.WrapRaw(inner, optionWords: 3);

        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(outer, out var offset, out var length));
        Assert.Equal(32, offset);
        Assert.Equal(inner, outer.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void BytesAfterTheInnerPacketAndAfterTheOuterPacketAreLeftOut()
    {
        var inner = TestPackets.IcmpEcho();
        // Outer payload = inner + 6 bytes the inner total length does not cover; then 10 bytes
        // beyond the outer total length (as if padding had been received).
        var outer = TestPackets.WrapRaw([.. inner, 1, 2, 3, 4, 5, 6]);
        byte[] received = [.. outer, .. new byte[10]];

        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(received, out var offset, out var length));
        Assert.Equal(20, offset);
        Assert.Equal(inner, received.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void TruncatedInnerHeaderIsDroppedAsInnerTruncated()
    {
        // Outer total length says 20 + 10: only the first 10 bytes of an inner header.
        var outer = TestPackets.WrapRaw(TestPackets.IcmpEcho().AsSpan(0, 10));
        Assert.Equal(30, BinaryPrimitives.ReadUInt16BigEndian(outer.AsSpan(2)));

        AssertDropped(outer, DecapResult.InnerTruncated);
    }

    [Fact]
    public void InnerBadChecksumIsDropped()
    {
        var inner = TestPackets.IcmpEcho();
        inner[8]--; // TTL changed, checksum not updated
        AssertDropped(TestPackets.WrapRaw(inner), DecapResult.InnerBadChecksum);
    }

    [Fact]
    public void InnerTotalLengthBeyondTheDataIsDroppedAsInnerTruncated()
    {
        var inner = TestPackets.IcmpEcho();
        BinaryPrimitives.WriteUInt16BigEndian(inner.AsSpan(2), (ushort)(inner.Length + 1));
        TestPackets.FixChecksum(inner);
        AssertDropped(TestPackets.WrapRaw(inner), DecapResult.InnerTruncated);
    }

    [Fact]
    public void InnerHeaderLongerThanTheDataIsDroppedAsInnerTruncated()
    {
        var inner = TestPackets.IcmpEcho(dataLength: 0); // 28 bytes
        inner[0] = 0x48; // IHL 8 = 32 bytes of header
        AssertDropped(TestPackets.WrapRaw(inner), DecapResult.InnerTruncated);
    }

    [Theory]
    [InlineData("version 6")]
    [InlineData("IHL 4")]
    [InlineData("total length below header length")]
    public void MalformedInnerHeaderIsDroppedAsInnerInvalid(string mutation)
    {
        var inner = TestPackets.IcmpEcho();
        switch (mutation)
        {
            case "version 6":
                inner[0] = 0x65;
                break;
            case "IHL 4":
                inner[0] = 0x44;
                break;
            default:
                BinaryPrimitives.WriteUInt16BigEndian(inner.AsSpan(2), 19);
                break;
        }

        AssertDropped(TestPackets.WrapRaw(inner), DecapResult.InnerInvalid);
    }

    [Fact]
    public void OuterNotProtocol4IsDropped()
    {
        AssertDropped(TestPackets.WrapRaw(TestPackets.IcmpEcho(), protocol: 17), DecapResult.OuterNotIpInIp);
        AssertDropped(TestPackets.WrapRaw(TestPackets.IcmpEcho(), protocol: 41), DecapResult.OuterNotIpInIp);
    }

    [Theory]
    [InlineData(0x2000)] // MF
    [InlineData(0x0001)] // offset 8
    [InlineData(0x4001)] // DF and an offset
    public void OuterFragmentIsDropped(ushort flags)
    {
        AssertDropped(TestPackets.WrapRaw(TestPackets.IcmpEcho(), flags: flags), DecapResult.OuterFragment);
    }

    [Fact]
    public void OuterDontFragmentAloneIsNotAFragment()
    {
        Assert.Equal(DecapResult.Deliver, new Decapsulator().Process(TestPackets.WrapRaw(TestPackets.IcmpEcho(), flags: 0x4000), out _, out _));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("one byte")]
    [InlineData("19 bytes")]
    [InlineData("outer bad checksum")]
    [InlineData("outer version 6")]
    [InlineData("outer total length beyond received")]
    [InlineData("outer IHL beyond received")]
    public void BrokenOuterHeaderIsDroppedAsOuterInvalid(string mutation)
    {
        var outer = TestPackets.Wrap(TestPackets.IcmpEcho());
        byte[] received = mutation switch
        {
            "empty" => [],
            "one byte" => [0x45],
            "19 bytes" => outer[..19],
            _ => outer,
        };
        switch (mutation)
        {
            case "outer bad checksum":
                received[11] ^= 0x01;
                break;
            case "outer version 6":
                received[0] = 0x65;
                TestPackets.FixChecksum(received);
                break;
            case "outer total length beyond received":
                received = received[..^1];
                break;
            case "outer IHL beyond received":
                received = received[..22];
                received[0] = 0x46;
                BinaryPrimitives.WriteUInt16BigEndian(received.AsSpan(2), 22);
                break;
            default:
                break;
        }

        AssertDropped(received, DecapResult.OuterInvalid);
    }

    [Fact]
    public void WriteOutcomeIsCountedOnce()
    {
        var decap = new Decapsulator();
        var outer = TestPackets.Wrap(TestPackets.IcmpEcho());
        Assert.Equal(DecapResult.Deliver, decap.Process(outer, out _, out _));
        decap.RecordWrite(succeeded: true);
        Assert.Equal(DecapResult.Deliver, decap.Process(outer, out _, out _));
        decap.RecordWrite(succeeded: false);

        Assert.Equal(2, decap.Received);
        Assert.Equal(1, decap.Delivered);
        Assert.Equal(1, decap.GetDropped(DecapResult.WriteFailed));
        Assert.Equal(1, decap.TotalDropped);
    }

    [Fact]
    public void ProcessNeverWritesTheReceivedBytes()
    {
        var outer = TestPackets.Wrap(TestPackets.IcmpEcho());
        var copy = outer.ToArray();
        new Decapsulator().Process(outer, out _, out _);
        Assert.Equal(copy, outer);
    }

    private static void AssertDropped(byte[] received, DecapResult expected)
    {
        var decap = new Decapsulator();
        var result = decap.Process(received, out var offset, out var length);
        Assert.Equal(expected, result);
        Assert.Equal(0, offset);
        Assert.Equal(0, length);
        Assert.Equal(1, decap.Received);
        Assert.Equal(1, decap.GetDropped(expected));
        Assert.Equal(1, decap.TotalDropped);
        Assert.Equal(0, decap.Delivered);
    }
}
