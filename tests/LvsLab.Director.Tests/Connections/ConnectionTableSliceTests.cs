using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Connections;

/// <summary>The expiry sweep and the listing in bounded slices: no call scans more than its share, and slices add up to the whole table.</summary>
public class ConnectionTableSliceTests
{
    private static ConnectionKey Key(int i) =>
        new(ServiceProtocol.Udp, new Ipv4Address(0x0A000000u | (uint)i), 40000, Ipv4Address.Parse("10.1.0.100"), 53);

    // 1,000 UDP connections (10 ms timeout): the even ones made at 0, the odd ones at 100.
    private static ConnectionTable Table()
    {
        var table = new ConnectionTable(new ConnectionTimeouts { UdpMilliseconds = 10 });
        for (int i = 0; i < 1000; i++)
        {
            table.Create(Key(i), 0, 0, TcpFlags.None, i % 2 == 0 ? 0 : 100);
        }

        return table;
    }

    [Fact]
    public void ASweepGoesASliceAtATimeAndRemovesExactlyTheExpired()
    {
        var table = Table();
        var removed = 0;
        var slices = 0;
        bool done;
        do
        {
            done = table.RemoveExpiredSlice(50, 64, out int n);
            Assert.InRange(n, 0, 64);
            removed += n;
            slices++;
        }
        while (!done);

        Assert.Equal(500, removed);
        Assert.Equal((1000 + 63) / 64, slices);
        Assert.Equal(500, table.Count);
        Assert.True(table.TryGet(Key(1), 50, out _));
        Assert.False(table.TryGet(Key(0), 50, out _));
        Assert.Equal(new RealServerConnections(0, 500), table.GetRealServerConnections(0, 0));
    }

    [Fact]
    public void TheNextSweepStartsAgainAtTheFirstSlot()
    {
        var table = Table();
        Assert.False(table.RemoveExpiredSlice(50, 600, out int first));
        Assert.Equal(300, first);
        Assert.True(table.RemoveExpiredSlice(50, 600, out int second));
        Assert.Equal(200, second);

        // Later the odd ones expire too: a new sweep from slot 0 finds them all.
        Assert.False(table.RemoveExpiredSlice(500, 600, out int third));
        Assert.True(table.RemoveExpiredSlice(500, 600, out int fourth));
        Assert.Equal(500, third + fourth);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void ACompleteSweepTakesTheExpiredTemplatesToo()
    {
        var table = new ConnectionTable(new ConnectionTimeouts { UdpMilliseconds = 10 });
        table.Create(Key(1), 0, 0, TcpFlags.None, 0);
        table.Create(Key(2), 0, 0, TcpFlags.None, 0);
        var template = new PersistenceKey(0, Ipv4Address.Parse("10.0.0.0"));
        table.SetTemplate(template, 0, 0, 20);
        Assert.False(table.RemoveExpiredSlice(30, 1, out _));
        Assert.Equal(1, table.TemplateCount);
        Assert.True(table.RemoveExpiredSlice(30, 1, out _));
        Assert.Equal(0, table.TemplateCount);
    }

    [Fact]
    public void SlicesOfTheListingAddUpToEveryEntryOnce()
    {
        var table = Table();
        for (int i = 0; i < 1000; i += 3)
        {
            table.Remove(Key(i));
        }

        var seen = new HashSet<ConnectionKey>();
        var slice = new KeyValuePair<ConnectionKey, ConnectionEntry>[50];
        int slot = 0;
        int calls = 0;
        while (slot >= 0)
        {
            int copied = table.CopyEntries(slot, slice, out int next);
            Assert.True(next == -1 || next > slot, "a slice moves on");
            Assert.True(next == -1 || next - slot <= 4 * slice.Length, "a slice looks at no more than four times its length of slots");
            for (int i = 0; i < copied; i++)
            {
                Assert.True(seen.Add(slice[i].Key), $"{slice[i].Key} listed twice");
                Assert.Equal(0, slice[i].Value.ServiceIndex);
            }

            slot = next;
            calls++;
        }

        Assert.Equal(table.Count, seen.Count);
        Assert.Equal(666, seen.Count);
        Assert.InRange(calls, 666 / 50, (666 / 50) + 2);
    }

    [Fact]
    public void TheListingOfAnEmptyTableEndsAtOnce()
    {
        var table = new ConnectionTable();
        var slice = new KeyValuePair<ConnectionKey, ConnectionEntry>[8];
        Assert.Equal(0, table.CopyEntries(0, slice, out int next));
        Assert.Equal(-1, next);
    }
}
