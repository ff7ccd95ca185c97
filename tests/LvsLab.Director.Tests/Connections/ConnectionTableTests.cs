using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Connections;

public class ConnectionTableTests
{
    private static readonly ConnectionKey Tcp = new(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.50"), 40000, Ipv4Address.Parse("10.0.0.100"), 80);
    private static readonly ConnectionKey Udp = Tcp with { Protocol = ServiceProtocol.Udp };

    [Theory]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Ack, ConnectionState.Established)]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Syn, ConnectionState.SynReceived)]
    [InlineData(ConnectionState.Established, TcpFlags.Ack | TcpFlags.Psh, ConnectionState.Established)]
    [InlineData(ConnectionState.Established, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.FinWait)]
    [InlineData(ConnectionState.Established, TcpFlags.Rst, ConnectionState.Closed)]
    [InlineData(ConnectionState.FinWait, TcpFlags.Ack, ConnectionState.FinWait)]
    [InlineData(ConnectionState.FinWait, TcpFlags.Syn, ConnectionState.SynReceived)]
    [InlineData(ConnectionState.Closed, TcpFlags.Ack, ConnectionState.Closed)]
    [InlineData(ConnectionState.Closed, TcpFlags.Syn, ConnectionState.SynReceived)]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Rst | TcpFlags.Ack, ConnectionState.Closed)]
    [InlineData(ConnectionState.CloseWait, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.Closed)]
    [InlineData(ConnectionState.CloseWait, TcpFlags.Ack, ConnectionState.CloseWait)]
    [InlineData(ConnectionState.Closed, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.Closed)]
    public void TcpStateFollowsClientFlags(ConnectionState from, TcpFlags flags, ConnectionState to) =>
        Assert.Equal(to, ConnectionTable.NextTcpState(from, flags));

    [Theory]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Syn | TcpFlags.Ack, ConnectionState.SynReceived)]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Ack, ConnectionState.SynReceived)]
    [InlineData(ConnectionState.Established, TcpFlags.Ack | TcpFlags.Psh, ConnectionState.Established)]
    [InlineData(ConnectionState.Established, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.CloseWait)]
    [InlineData(ConnectionState.FinWait, TcpFlags.Ack, ConnectionState.FinWait)]
    [InlineData(ConnectionState.FinWait, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.Closed)]
    [InlineData(ConnectionState.CloseWait, TcpFlags.Fin | TcpFlags.Ack, ConnectionState.CloseWait)]
    [InlineData(ConnectionState.Established, TcpFlags.Rst, ConnectionState.Closed)]
    [InlineData(ConnectionState.SynReceived, TcpFlags.Rst | TcpFlags.Ack, ConnectionState.Closed)]
    [InlineData(ConnectionState.Closed, TcpFlags.Ack, ConnectionState.Closed)]
    public void TcpStateFollowsServerFlags(ConnectionState from, TcpFlags flags, ConnectionState to) =>
        Assert.Equal(to, ConnectionTable.NextTcpStateFromServer(from, flags));

    [Fact]
    public void CloseWaitTimesOutAsFinWait() =>
        Assert.Equal(ConnectionTimeouts.Default.TcpFinWaitMilliseconds, ConnectionTimeouts.Default.For(ConnectionState.CloseWait));

    [Fact]
    public void MasqueradedConnectionIsFoundFromBothSides()
    {
        var table = new ConnectionTable();
        var rip = Ipv4Address.Parse("10.2.0.11");
        ConnectionEntry created = table.CreateMasqueraded(Tcp, 0, 1, rip, 8080, TcpFlags.Syn, 0);
        Assert.True(created.IsMasqueraded);
        Assert.Equal(rip, created.RealServerAddress);
        Assert.Equal((ushort)8080, created.RealServerPort);

        var reply = new ReplyKey(ServiceProtocol.Tcp, rip, 8080, Tcp.ClientAddress, Tcp.ClientPort);
        Assert.Equal(reply, ReplyKey.For(Tcp, rip, 8080));
        Assert.True(table.TryGetReply(reply, 1, out ConnectionKey key, out ConnectionEntry entry));
        Assert.Equal(Tcp, key);
        Assert.Equal(1, entry.RealServerIndex);

        Assert.True(table.TryTouchReply(reply, TcpFlags.Syn | TcpFlags.Ack, 5, out key, out entry));
        Assert.Equal(Tcp, key);
        Assert.Equal(1, entry.ReplyPackets);
        Assert.Equal(1, entry.Packets);
        Assert.Equal(ConnectionState.SynReceived, entry.State);
        Assert.Equal(120_005, entry.ExpiresAtMilliseconds);

        Assert.False(table.TryTouchReply(reply with { ClientPort = 1 }, TcpFlags.Ack, 5, out _, out _));
        Assert.False(table.TryTouchReply(reply with { Protocol = ServiceProtocol.Udp }, TcpFlags.Ack, 5, out _, out _));
        Assert.False(table.TryTouchReply(reply, TcpFlags.Ack, 125_000, out _, out _));
    }

    [Fact]
    public void BothKeysAreRemovedTogether()
    {
        var table = new ConnectionTable(new ConnectionTimeouts { TcpSynReceivedMilliseconds = 10 });
        var rip = Ipv4Address.Parse("10.2.0.11");
        table.CreateMasqueraded(Tcp, 0, 0, rip, 8080, TcpFlags.Syn, 0);
        table.CreateMasqueraded(Udp, 0, 0, rip, 53, TcpFlags.None, 0);
        table.Create(Tcp with { ClientPort = 1 }, 0, 0, TcpFlags.Syn, 0);
        Assert.Equal(3, table.Count);
        Assert.Equal(2, table.ReplyKeyCount);

        Assert.Equal(2, table.RemoveExpired(10));
        Assert.Equal(1, table.Count);
        Assert.Equal(1, table.ReplyKeyCount);

        Assert.True(table.Remove(Udp));
        Assert.Equal(0, table.Count);
        Assert.Equal(0, table.ReplyKeyCount);
    }

    [Fact]
    public void RecreatingAKeyReplacesItsReplyKey()
    {
        var table = new ConnectionTable();
        var rip1 = Ipv4Address.Parse("10.2.0.11");
        var rip2 = Ipv4Address.Parse("10.2.0.12");
        table.CreateMasqueraded(Tcp, 0, 0, rip1, 8080, TcpFlags.Syn, 0);
        table.CreateMasqueraded(Tcp, 0, 1, rip2, 8080, TcpFlags.Syn, 200_000);
        Assert.Equal(1, table.ReplyKeyCount);
        Assert.False(table.TryGetReply(ReplyKey.For(Tcp, rip1, 8080), 200_001, out _, out _));
        Assert.True(table.TryGetReply(ReplyKey.For(Tcp, rip2, 8080), 200_001, out _, out _));

        // Direct routing on the same key drops the reply side altogether.
        table.Create(Tcp, 0, 2, TcpFlags.Syn, 400_000);
        Assert.Equal(0, table.ReplyKeyCount);
        table.Clear();
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void ANewerConnectionHoldingTheSameReplyKeyKeepsItWhenTheOlderOneGoes()
    {
        // The same client port to two VIPs masqueraded to the same RIP:RPORT: ambiguous
        // replies; the newer connection takes the reply side and keeps it.
        var table = new ConnectionTable();
        var rip = Ipv4Address.Parse("10.2.0.11");
        ConnectionKey other = Tcp with { VirtualAddress = Ipv4Address.Parse("10.0.0.101") };
        table.CreateMasqueraded(Tcp, 0, 0, rip, 8080, TcpFlags.Syn, 0);
        table.CreateMasqueraded(other, 1, 0, rip, 8080, TcpFlags.Syn, 1);
        Assert.True(table.Remove(Tcp));
        Assert.True(table.TryGetReply(ReplyKey.For(Tcp, rip, 8080), 2, out ConnectionKey key, out _));
        Assert.Equal(other, key);
    }

    [Fact]
    public void TimeoutsFollowTheState()
    {
        var table = new ConnectionTable();
        ConnectionEntry entry = table.Create(Tcp, 0, 2, TcpFlags.Syn, 1_000);
        Assert.Equal(ConnectionState.SynReceived, entry.State);
        Assert.Equal(121_000, entry.ExpiresAtMilliseconds);

        Assert.True(table.TryTouch(Tcp, TcpFlags.Ack, 2_000, out entry));
        Assert.Equal(ConnectionState.Established, entry.State);
        Assert.Equal(902_000, entry.ExpiresAtMilliseconds);
        Assert.Equal(2, entry.RealServerIndex);
        Assert.Equal(2, entry.Packets);

        Assert.True(table.TryTouch(Tcp, TcpFlags.Fin | TcpFlags.Ack, 3_000, out entry));
        Assert.Equal(123_000, entry.ExpiresAtMilliseconds);

        Assert.True(table.TryTouch(Tcp, TcpFlags.Rst, 4_000, out entry));
        Assert.Equal(ConnectionState.Closed, entry.State);
        Assert.Equal(14_000, entry.ExpiresAtMilliseconds);

        Assert.False(table.TryTouch(Tcp, TcpFlags.Ack, 14_000, out _));
        Assert.False(table.TryGet(Tcp, 14_000, out _));
        Assert.True(table.TryGet(Tcp, 13_999, out _));

        ConnectionEntry udp = table.Create(Udp, 1, 0, TcpFlags.None, 0);
        Assert.Equal(ConnectionState.Udp, udp.State);
        Assert.Equal(300_000, udp.ExpiresAtMilliseconds);
    }

    [Fact]
    public void RemoveExpiredRemovesOnlyExpiredEntries()
    {
        var table = new ConnectionTable(new ConnectionTimeouts { UdpMilliseconds = 10 });
        table.Create(Udp, 0, 0, TcpFlags.None, 0);
        table.Create(Tcp, 0, 0, TcpFlags.Syn, 0);
        Assert.Equal(2, table.Count);
        Assert.Equal(1, table.RemoveExpired(10));
        Assert.Equal(1, table.Count);
        Assert.True(table.TryGet(Tcp, 10, out _));
    }

    [Fact]
    public void KeysDifferingInAnyFieldAreDifferent()
    {
        ConnectionKey[] keys =
        [
            Tcp,
            Udp,
            Tcp with { ClientAddress = Ipv4Address.Parse("10.0.0.51") },
            Tcp with { ClientPort = 40001 },
            Tcp with { VirtualAddress = Ipv4Address.Parse("10.0.0.101") },
            Tcp with { VirtualPort = 81 },
        ];
        var table = new ConnectionTable();
        for (int i = 0; i < keys.Length; i++)
        {
            table.Create(keys[i], 0, i, TcpFlags.Syn, 0);
        }

        Assert.Equal(keys.Length, table.Count);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.True(table.TryGet(keys[i], 1, out ConnectionEntry entry));
            Assert.Equal(i, entry.RealServerIndex);
        }
    }
}
