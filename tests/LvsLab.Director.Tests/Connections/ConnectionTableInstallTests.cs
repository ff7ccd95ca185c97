using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Connections;

/// <summary>ConnectionTable.Install: a synchronised connection inserted or refreshed with its state and expiry.</summary>
public class ConnectionTableInstallTests
{
    private static readonly ConnectionKey Key = new(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.50"), 40000, Ipv4Address.Parse("10.0.0.100"), 80);
    private static readonly Ipv4Address Rip = Ipv4Address.Parse("10.2.0.11");

    [Fact]
    public void InstallInsertsWithTheGivenStateAndExpiry()
    {
        var table = new ConnectionTable();
        ConnectionEntry entry = table.Install(Key, 0, 1, ConnectionState.FinWait, 100, 5000);
        Assert.Equal(new ConnectionEntry(0, 1, ConnectionState.FinWait, 100, 5000, 0), entry);
        Assert.True(table.TryGet(Key, 4999, out ConnectionEntry held));
        Assert.Equal(entry, held);
        Assert.False(table.TryGet(Key, 5000, out _));
        Assert.Equal(new RealServerConnections(0, 1), table.GetRealServerConnections(0, 1));
    }

    [Fact]
    public void ReinstallingOnTheSameServerKeepsCreationAndCountsAndMovesTheActiveCount()
    {
        var table = new ConnectionTable();
        table.Create(Key, 0, 1, TcpFlags.Syn, 100);
        Assert.True(table.TryTouch(Key, TcpFlags.Ack, 200, out _));
        ConnectionEntry entry = table.Install(Key, 0, 1, ConnectionState.FinWait, 300, 9000);
        Assert.Equal(100, entry.CreatedAtMilliseconds);
        Assert.Equal(2, entry.Packets);
        Assert.Equal(new RealServerConnections(0, 1), table.GetRealServerConnections(0, 1));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void InstallingOnAnotherServerReplacesTheEntryAndItsCounts()
    {
        var table = new ConnectionTable();
        table.CreateMasqueraded(Key, 0, 0, Rip, 8080, TcpFlags.Syn, 100);
        ConnectionEntry entry = table.Install(Key, 0, 1, ConnectionState.Established, 300, 9000);
        Assert.Equal(300, entry.CreatedAtMilliseconds);
        Assert.Equal(0, entry.Packets);
        Assert.Equal(new RealServerConnections(0, 0), table.GetRealServerConnections(0, 0));
        Assert.Equal(new RealServerConnections(1, 0), table.GetRealServerConnections(0, 1));
        Assert.Equal(0, table.ReplyKeyCount);
    }

    [Fact]
    public void AMasqueradedInstallIsFoundByItsReplyKey()
    {
        var table = new ConnectionTable();
        table.Install(Key, 0, 0, ConnectionState.Established, 0, 9000, Rip, 8080);
        Assert.True(table.TryGetReply(ReplyKey.For(Key, Rip, 8080), 1, out ConnectionKey key, out ConnectionEntry entry));
        Assert.Equal(Key, key);
        Assert.True(entry.IsMasqueraded);
        Assert.Equal(8080, entry.RealServerPort);
    }

    [Fact]
    public void APersistentInstallIsControlledByItsTemplate()
    {
        var table = new ConnectionTable();
        var template = new PersistenceKey(0, Key.ClientAddress);
        table.SetTemplate(template, 1, 0, 1000);
        table.Install(Key, 0, 1, ConnectionState.Established, 0, 9000, persistence: template);
        Assert.True(table.TryGetTemplate(template, 5000, out PersistenceTemplate held));
        Assert.Equal(1, held.Controlled);
    }

    [Fact]
    public void InstallingANewKeyInAFullTableEvictsTheLeastRecentlyUsed()
    {
        var table = new ConnectionTable(capacity: 1);
        table.Create(Key, 0, 0, TcpFlags.Syn, 0);
        table.Install(Key with { ClientPort = 40001 }, 0, 0, ConnectionState.Established, 1, 9000);
        Assert.Equal(1, table.Count);
        Assert.Equal(1, table.Evicted);
        Assert.False(table.TryGet(Key, 2, out _));
    }
}
