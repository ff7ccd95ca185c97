using LvsLab.Director.Neighbours;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Neighbours;

public class NeighbourTableTests
{
    private static Ipv4Address Ip(int i) => new(0x0A00_0000u + (uint)i);

    private static MacAddress Mac(int i) => new(0x0200_0000_0000UL + (ulong)i);

    [Fact]
    public void OldestLearnedIsEvictedBeyondTheCapacity()
    {
        var table = new NeighbourTable(3);
        table.Set(Ip(1), Mac(1));
        table.Set(Ip(2), Mac(2));
        table.Set(Ip(3), Mac(3));
        table.Set(Ip(1), Mac(11)); // an update does not make it younger, nor add an entry
        Assert.Equal(3, table.Count);

        table.Set(Ip(4), Mac(4));
        Assert.Equal(3, table.Count);
        Assert.False(table.Contains(Ip(1)));
        Assert.True(table.TryGet(Ip(4), out MacAddress mac));
        Assert.Equal(Mac(4), mac);
    }

    [Fact]
    public void ARemovedAndRelearnedAddressIsNotEvictedForItsEarlierLife()
    {
        var table = new NeighbourTable(3);
        table.Set(Ip(1), Mac(1));
        table.Set(Ip(2), Mac(2));
        Assert.True(table.Remove(Ip(1)));
        table.Set(Ip(1), Mac(1));
        table.Set(Ip(3), Mac(3));
        table.Set(Ip(4), Mac(4));
        Assert.False(table.Contains(Ip(2)));
        Assert.True(table.Contains(Ip(1)));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void ChurnKeepsTheTableAndItsOrderBounded()
    {
        var table = new NeighbourTable(8);
        for (int i = 0; i < 10_000; i++)
        {
            table.Set(Ip(i % 20), Mac(i));
            if (i % 3 == 0)
            {
                table.Remove(Ip((i * 7) % 20));
            }
        }

        Assert.InRange(table.Count, 1, 8);
        Assert.Equal(table.Count, table.Entries.Count());
    }

    [Fact]
    public void RequestsAreRateLimitedAndRemembered()
    {
        var table = new NeighbourTable(2);
        Assert.False(table.WasRequested(Ip(1)));
        Assert.True(table.TryBeginResolution(Ip(1), 0));
        Assert.True(table.WasRequested(Ip(1)));
        Assert.False(table.TryBeginResolution(Ip(1), 999));
        Assert.True(table.TryBeginResolution(Ip(1), 1_000));

        // Bounded: beyond the capacity, old requests are forgotten.
        Assert.True(table.TryBeginResolution(Ip(2), 1_000));
        Assert.True(table.TryBeginResolution(Ip(3), 5_000));
        Assert.False(table.WasRequested(Ip(1)));
        Assert.True(table.WasRequested(Ip(3)));
    }

    [Fact]
    public void CapacityBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NeighbourTable(0));
}
