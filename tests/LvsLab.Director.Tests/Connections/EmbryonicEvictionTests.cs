using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Connections;

/// <summary>The connection table's defence against SYN floods: embryonic connections are evicted first.</summary>
public class EmbryonicEvictionTests
{
    private static readonly Ipv4Address Vip = Ipv4Address.Parse("10.0.0.100");

    // Connection number i: a distinct client address and port for every i.
    private static ConnectionKey Key(int i) =>
        new(ServiceProtocol.Tcp, new Ipv4Address(0x0A01_0000u + (uint)(i >> 8)), (ushort)(40000 + (i & 0xFF)), Vip, 80);

    [Theory]
    [InlineData(ConnectionEviction.EmbryonicFirst, 50)]
    [InlineData(ConnectionEviction.LeastRecentlyUsed, 0)]
    public void AFloodOfSynsKeepsEstablishedConnectionsOnlyWhenEmbryonicOnesGoFirst(ConnectionEviction eviction, int survivors)
    {
        const int Capacity = 100;
        const int Flood = 100_000;
        var table = new ConnectionTable(capacity: Capacity, eviction: eviction);
        for (int i = 0; i < 50; i++)
        {
            table.Create(Key(i), 0, i % 3, TcpFlags.Syn, i);
            Assert.True(table.TryTouch(Key(i), TcpFlags.Ack, i, out _));
        }

        // The flood: SYNs from new sources, none of which completes a handshake.
        for (int i = 0; i < Flood; i++)
        {
            table.Create(Key(1_000 + i), 0, i % 3, TcpFlags.Syn, 100 + i);
        }

        long now = 100 + Flood;
        Assert.Equal(survivors, Enumerable.Range(0, 50).Count(i => table.TryGet(Key(i), now, out _)));
        Assert.Equal(Capacity, table.Count);
        Assert.Equal(Flood - (Capacity - 50), table.Evicted);
        Assert.Equal(eviction == ConnectionEviction.EmbryonicFirst ? table.Evicted : 0, table.EmbryonicEvicted);
        Assert.Equal(survivors, Enumerable.Range(0, 3).Sum(server => table.GetRealServerConnections(0, server).Active));

        // The newest SYNs are held either way.
        Assert.True(table.TryGet(Key(1_000 + Flood - 1), now, out _));
    }

    [Fact]
    public void AConnectionLeavesTheEmbryonicListWhenItsHandshakeCompletesAndTheLeastRecentlyUsedGoesWhenNoneIsEmbryonic()
    {
        var table = new ConnectionTable(capacity: 3);
        table.Create(Key(0), 0, 0, TcpFlags.Syn, 0);
        table.Create(Key(1), 0, 0, TcpFlags.Syn, 1);
        Assert.Equal(2, table.EmbryonicCount);
        Assert.True(table.TryTouch(Key(0), TcpFlags.Ack, 2, out _));
        Assert.True(table.TryTouch(Key(1), TcpFlags.Ack, 3, out _));
        table.Create(Key(2), 0, 0, TcpFlags.Syn, 4);
        Assert.True(table.TryTouch(Key(2), TcpFlags.Ack, 5, out _));
        Assert.Equal(0, table.EmbryonicCount);

        // All three established: the least recently used (key 0) makes room.
        table.Create(Key(3), 0, 0, TcpFlags.Syn, 6);
        Assert.False(table.TryGet(Key(0), 7, out _));
        Assert.Equal(1, table.Evicted);
        Assert.Equal(0, table.EmbryonicEvicted);

        // Now key 3 is embryonic: it goes before the older established keys 1 and 2.
        table.Create(Key(4), 0, 0, TcpFlags.Syn, 8);
        Assert.False(table.TryGet(Key(3), 9, out _));
        Assert.True(table.TryGet(Key(1), 9, out _));
        Assert.Equal(1, table.EmbryonicEvicted);

        // A retransmitted SYN keeps an entry embryonic and makes it the newest of its list.
        table.Create(Key(5), 0, 0, TcpFlags.Syn, 10);
        Assert.False(table.TryGet(Key(4), 11, out _));
        Assert.True(table.TryTouch(Key(5), TcpFlags.Syn, 11, out ConnectionEntry entry));
        Assert.Equal(ConnectionState.SynReceived, entry.State);
        Assert.Equal(1, table.EmbryonicCount);

        // An RST closes an embryonic entry: it joins the others (closed entries age out soon anyway).
        Assert.True(table.TryTouch(Key(5), TcpFlags.Rst, 12, out _));
        Assert.Equal(0, table.EmbryonicCount);
        Assert.Equal([Key(1), Key(2), Key(5)], table.Entries.Select(e => e.Key));
    }

    [Fact]
    public void EmbryonicEntriesAreListedFirstAndCountedOutWhenRemovedOrCleared()
    {
        var table = new ConnectionTable();
        table.Create(Key(0), 0, 0, TcpFlags.Syn, 0);
        Assert.True(table.TryTouch(Key(0), TcpFlags.Ack, 1, out _));
        table.Create(Key(1), 0, 0, TcpFlags.Syn, 2);
        table.Create(Key(2), 0, 0, TcpFlags.Syn, 3);
        Assert.Equal([Key(1), Key(2), Key(0)], table.Entries.Select(e => e.Key));
        Assert.True(table.Remove(Key(1)));
        Assert.Equal(1, table.EmbryonicCount);
        Assert.Equal(2, table.RemoveExpired(long.MaxValue / 2));
        Assert.Equal(0, table.EmbryonicCount);
        table.Create(Key(3), 0, 0, TcpFlags.Syn, 4);
        table.Clear();
        Assert.Equal(0, table.EmbryonicCount);
        Assert.Empty(table.Entries);
    }

    [Fact]
    public void AnUnknownEvictionIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionTable(eviction: (ConnectionEviction)7));
}
