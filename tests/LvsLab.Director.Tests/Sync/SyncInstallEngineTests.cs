using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Sync;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Sync;

/// <summary>A backup installs synchronised entries; the next packet of a connection goes to the synced real server.</summary>
public class SyncInstallEngineTests
{
    private const string MarkRule = "iptables -t mangle -A PREROUTING -d 10.0.0.100/32 -p tcp --dport 80 -j MARK --set-mark 7";

    private readonly byte[] _output = new byte[2048];

    private Decision Send(DirectorEngine engine, byte[] frame, long now, int ingress = 0) => engine.Process(ingress, frame, _output, now);

    [Fact]
    public void AnInstalledDrConnectionTakesItsNextSegmentToTheSyncedServer()
    {
        DirectorEngine backup = DrLab.Engine();
        byte[] ack = Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Ack | TcpFlags.Psh, payload: [1, 2, 3]);

        // Without the entry, a segment of an established connection has nowhere to go.
        Assert.Equal(Decision.Drop(DropReason.NoConnection), Send(DrLab.Engine(), ack, 1000));

        // The second real server, to show the entry (not the scheduler, which would pick the first) decides.
        SyncEntry entry = SyncVectors.OneTcpDirectRouteEntry with { DestinationAddress = SyncVectors.Rs2 };
        Assert.Equal(SyncInstallResult.Installed, backup.Install(entry, 1000));
        Assert.Equal(1, backup.SyncInstalled);

        Decision decision = Send(backup, ack, 1001);
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(DrLab.RealServerMacs[1], MacAddress.ReadFrom(_output));
        Assert.Equal(ack[EthernetFrame.HeaderLength..], _output[EthernetFrame.HeaderLength..decision.Length]);
        Assert.Equal(new RealServerConnections(1, 0), backup.GetRealServerConnections(0, 1));
    }

    [Fact]
    public void TheGoldenDrMessageInstallsAndForwards()
    {
        DirectorEngine backup = DrLab.Engine();
        Assert.True(SyncMessage.TryRead(SyncVectors.OneTcpDirectRoute, out SyncMessage message, out _));
        Assert.Equal(1, SyncConnectionMapping.InstallAll(backup, message, 0));

        Assert.Equal(DecisionKind.Forward, Send(backup, Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Ack), 10).Kind);
        Assert.Equal(DrLab.RealServerMacs[0], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void TheRealServersMethodWinsOverTheFlagsOnTheWire()
    {
        DirectorEngine backup = DrLab.Engine();
        SyncEntry natFlags = SyncVectors.OneTcpDirectRouteEntry with { Flags = SyncFlags.None };
        Assert.Equal(SyncInstallResult.Installed, backup.Install(natFlags, 0));
        byte[] ack = Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Ack);
        Decision decision = Send(backup, ack, 1);

        // Direct routing: the IP packet is untouched.
        Assert.Equal(DecisionKind.Forward, decision.Kind);
        Assert.Equal(ack[EthernetFrame.HeaderLength..], _output[EthernetFrame.HeaderLength..decision.Length]);
        Assert.True(backup.Connections.TryGet(new ConnectionKey(ServiceProtocol.Tcp, DrLab.ClientIp, 40000, DrLab.Vip, 80), 1, out ConnectionEntry entry));
        Assert.False(entry.IsMasqueraded);
    }

    [Fact]
    public void AnInstalledNatConnectionIsRewrittenBothWays()
    {
        DirectorEngine backup = NatLab.Engine();
        backup.Neighbours.Set(TwoPortLab.ClientIp, TwoPortLab.ClientMac);
        var entry = new SyncEntry
        {
            Protocol = SyncWire.ProtocolTcp,
            State = SyncWire.TcpEstablished,
            ClientAddress = TwoPortLab.ClientIp,
            ClientPort = 40000,
            VirtualAddress = TwoPortLab.Vip,
            VirtualPort = 80,
            DestinationAddress = TwoPortLab.Rs2,
            DestinationPort = 8080,
            TimeoutSeconds = 900,
        };
        Assert.Equal(SyncInstallResult.Installed, backup.Install(entry, 0));

        byte[] request = TwoPortLab.FromClient(40000, 80, TcpFlags.Ack | TcpFlags.Psh, [9, 9]);
        Decision toServer = Send(backup, request, 1, TwoPortLab.Ext);
        Assert.Equal(NatLab.ToServer(TwoPortLab.Rs2, TwoPortLab.Rs2Mac, 8080, 40000, TcpFlags.Ack | TcpFlags.Psh, [9, 9]), _output[..toServer.Length]);

        byte[] reply = NatLab.FromServer(TwoPortLab.Rs2, TwoPortLab.Rs2Mac, 8080, 40000, TcpFlags.Ack | TcpFlags.Psh, [7]);
        Decision toClient = Send(backup, reply, 2, TwoPortLab.Int);
        Assert.Equal(NatLab.ToClient(80, 40000, TcpFlags.Ack | TcpFlags.Psh, [7]), _output[..toClient.Length]);
    }

    [Fact]
    public void ThePersistentUdpNatMessageInstallsTheTemplateThatPlacesTheClientsNextFlows()
    {
        DirectorEngine backup = NatLab.Engine(rules: SyncConnectionMappingTests.PersistentUdpNatRules);
        Assert.True(SyncMessage.TryRead(SyncVectors.UdpNatWithTemplate, out SyncMessage message, out _));
        Assert.Equal(2, SyncConnectionMapping.InstallAll(backup, message, 0));

        // The template, installed first, controls the connection: it outlives it.
        Assert.True(backup.Connections.TryGetTemplate(new PersistenceKey(0, TwoPortLab.ClientIp), 0, out PersistenceTemplate template));
        Assert.Equal(1, template.RealServerIndex);
        Assert.Equal(600_000, template.ExpiresAtMilliseconds);
        Assert.Equal(1, template.Controlled);

        // The synced flow, and a new one from the same client (rr alone would pick 10.2.0.11), go to 10.2.0.12:5353.
        foreach (ushort port in new ushort[] { 50000, 50001 })
        {
            Decision decision = Send(backup, Frames.Udp(TwoPortLab.ClientIp, port, TwoPortLab.Vip, 53, 64, TwoPortLab.ClientMac, TwoPortLab.ExtMac), 10, TwoPortLab.Ext);
            Assert.Equal(Frames.Udp(TwoPortLab.ClientIp, port, TwoPortLab.Rs2, 5353, 63, TwoPortLab.IntMac, TwoPortLab.Rs2Mac), _output[..decision.Length]);
        }
    }

    [Fact]
    public void TheTimeoutOnTheWireOrElseTheStatesTimeoutSetsTheExpiry()
    {
        DirectorEngine backup = DrLab.Engine();
        var key = new ConnectionKey(ServiceProtocol.Tcp, DrLab.ClientIp, 40000, DrLab.Vip, 80);
        Assert.Equal(SyncInstallResult.Installed, backup.Install(SyncVectors.OneTcpDirectRouteEntry with { TimeoutSeconds = 42 }, 1000));
        Assert.True(backup.Connections.TryGet(key, 1000, out ConnectionEntry entry));
        Assert.Equal(43_000, entry.ExpiresAtMilliseconds);
        Assert.Equal(ConnectionState.Established, entry.State);

        Assert.Equal(SyncInstallResult.Installed, backup.Install(SyncVectors.OneTcpDirectRouteEntry with { TimeoutSeconds = 0, State = SyncWire.TcpFinWait }, 2000));
        Assert.True(backup.Connections.TryGet(key, 2000, out entry));
        Assert.Equal(2000 + ConnectionTimeouts.Default.TcpFinWaitMilliseconds, entry.ExpiresAtMilliseconds);
        Assert.Equal(ConnectionState.FinWait, entry.State);
        Assert.Equal(new RealServerConnections(0, 1), backup.GetRealServerConnections(0, 0));
    }

    [Fact]
    public void EntriesNamingNothingOfTheRulesAreRefusedAndCounted()
    {
        DirectorEngine backup = DrLab.Engine();
        SyncEntry good = SyncVectors.OneTcpDirectRouteEntry;
        (SyncEntry Entry, SyncInstallResult Result)[] cases =
        [
            (good with { VirtualPort = 81 }, SyncInstallResult.UnknownService),
            (good with { VirtualAddress = DrLab.OtherIp }, SyncInstallResult.UnknownService),
            (good with { DestinationAddress = DrLab.OtherIp }, SyncInstallResult.UnknownRealServer),
            (good with { DestinationPort = 8080 }, SyncInstallResult.UnknownRealServer),
            (good with { Protocol = 1 }, SyncInstallResult.UnsupportedProtocol),
            (good with { State = SyncWire.TcpStateCount }, SyncInstallResult.UnsupportedState),
            (good with { Protocol = SyncWire.ProtocolUdp, VirtualPort = 53, DestinationPort = 53, State = 1 }, SyncInstallResult.UnsupportedState),
            (good with { Flags = SyncFlags.Template, ClientPort = 0 }, SyncInstallResult.NotPersistent),
            (good with { Flags = SyncFlags.Template, Protocol = 0, VirtualAddress = new Ipv4Address(7) }, SyncInstallResult.UnknownService),
        ];
        foreach ((SyncEntry entry, SyncInstallResult result) in cases)
        {
            Assert.Equal(result, backup.Install(entry, 0));
        }

        Assert.Equal(cases.Length, backup.SyncRefused);
        Assert.Equal(0, backup.SyncInstalled);
        Assert.Equal(0, backup.Connections.Count);
        Assert.Equal(0, backup.Connections.TemplateCount);
    }

    [Fact]
    public void AMarkServicesConnectionAndTemplateInstallByMark()
    {
        const string rules = """
            -A -f 7 -s rr -p 300
            -a -f 7 -r 10.0.0.11:0 -g -w 1
            -a -f 7 -r 10.0.0.12:0 -g -w 1
            """;
        FirewallMarkRules marks = FirewallMarkRules.Parse(MarkRule, "marks");
        var backup = new DirectorEngine(new DirectorOptions(DrLab.DirectorMac, DrLab.DirectorIp), IpvsRuleParser.Parse(rules, "f.ipvs"), marks);
        for (int i = 0; i < DrLab.RealServerIps.Length; i++)
        {
            backup.Neighbours.Set(DrLab.RealServerIps[i], DrLab.RealServerMacs[i]);
        }

        SyncEntry connection = SyncVectors.OneTcpDirectRouteEntry with { FirewallMark = 7, DestinationAddress = SyncVectors.Rs2 };
        SyncEntry template = new()
        {
            Protocol = SyncWire.ProtocolFirewallMarkTemplate,
            Flags = SyncConnectionMapping.TemplateFlags(ForwardingMethod.DirectRouting),
            ClientAddress = DrLab.ClientIp,
            VirtualAddress = new Ipv4Address(7),
            DestinationAddress = SyncVectors.Rs2,
            FirewallMark = 7,
            TimeoutSeconds = 300,
        };
        Assert.Equal(SyncInstallResult.Installed, backup.Install(template, 0));
        Assert.Equal(SyncInstallResult.Installed, backup.Install(connection, 0));

        Assert.Equal(DecisionKind.Forward, Send(backup, Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Ack), 1).Kind);
        Assert.Equal(DrLab.RealServerMacs[1], MacAddress.ReadFrom(_output));

        // A new connection from the client follows the template.
        Assert.Equal(DecisionKind.Forward, Send(backup, Frames.Tcp(DrLab.ClientIp, 40100, DrLab.Vip, 80, TcpFlags.Syn), 2).Kind);
        Assert.Equal(DrLab.RealServerMacs[1], MacAddress.ReadFrom(_output));
    }

    [Fact]
    public void ABackupFedByAMastersMessagesTakesOverItsConnections()
    {
        DirectorEngine master = DrLab.Engine();
        const int clients = 120;
        var servers = new int[clients];
        for (int i = 0; i < clients; i++)
        {
            ushort port = (ushort)(30000 + i);
            Send(master, Frames.Tcp(DrLab.ClientIp, port, DrLab.Vip, 80, TcpFlags.Syn), i);
            Send(master, Frames.Tcp(DrLab.ClientIp, port, DrLab.Vip, 80, TcpFlags.Ack), i);
            servers[i] = DrLab.RealServerOf(MacAddress.ReadFrom(_output));
        }

        IReadOnlyList<byte[]> messages = SyncMessageWriter.WriteMessages([.. SyncConnectionMapping.Export(master, 200)], 3);
        Assert.Equal(3, messages.Count); // 40 entries of 36 bytes per 1472-byte message

        DirectorEngine backup = DrLab.Engine();
        foreach (byte[] datagram in messages)
        {
            Assert.True(SyncMessage.TryRead(datagram, out SyncMessage message, out _));
            Assert.True(message.IsFor(3));
            SyncConnectionMapping.InstallAll(backup, message, 1000);
        }

        Assert.Equal(clients, backup.SyncInstalled);
        for (int i = 0; i < clients; i++)
        {
            Assert.Equal(DecisionKind.Forward, Send(backup, Frames.Tcp(DrLab.ClientIp, (ushort)(30000 + i), DrLab.Vip, 80, TcpFlags.Ack), 2000).Kind);
            Assert.Equal(servers[i], DrLab.RealServerOf(MacAddress.ReadFrom(_output)));
        }

        Assert.Equal(master.GetRealServerConnections(0, 0), backup.GetRealServerConnections(0, 0));
    }
}
