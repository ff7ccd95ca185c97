using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Director.Sync;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Sync;

/// <summary>Our connections, states and methods as IPVS flags and state numbers, and back.</summary>
public class SyncConnectionMappingTests
{
    public const string PersistentUdpNatRules = """
        -A -u 10.1.0.100:53 -s rr -p 600
        -a -u 10.1.0.100:53 -r 10.2.0.11:53 -m -w 1
        -a -u 10.1.0.100:53 -r 10.2.0.12:5353 -m -w 1
        """;

    private readonly byte[] _output = new byte[2048];

    [Theory]
    [InlineData(ConnectionState.SynReceived, 3)]  // IP_VS_TCP_S_SYN_RECV
    [InlineData(ConnectionState.Established, 1)]  // IP_VS_TCP_S_ESTABLISHED
    [InlineData(ConnectionState.FinWait, 4)]      // IP_VS_TCP_S_FIN_WAIT
    [InlineData(ConnectionState.CloseWait, 7)]    // IP_VS_TCP_S_CLOSE_WAIT
    [InlineData(ConnectionState.Closed, 6)]       // IP_VS_TCP_S_CLOSE
    [InlineData(ConnectionState.Udp, 0)]          // IP_VS_UDP_S_NORMAL
    public void OurStatesBecomeIpvsStatesAndBack(ConnectionState state, ushort ipvs)
    {
        Assert.Equal(ipvs, SyncConnectionMapping.ToIpvsState(state));
        byte protocol = state == ConnectionState.Udp ? SyncWire.ProtocolUdp : SyncWire.ProtocolTcp;
        Assert.True(SyncConnectionMapping.TryGetState(protocol, ipvs, out ConnectionState back));
        Assert.Equal(state, back);
    }

    [Theory]
    [InlineData(0, ConnectionState.SynReceived)]  // NONE
    [InlineData(1, ConnectionState.Established)]  // ESTABLISHED
    [InlineData(2, ConnectionState.SynReceived)]  // SYN_SENT
    [InlineData(3, ConnectionState.SynReceived)]  // SYN_RECV
    [InlineData(4, ConnectionState.FinWait)]      // FIN_WAIT
    [InlineData(5, ConnectionState.Closed)]       // TIME_WAIT
    [InlineData(6, ConnectionState.Closed)]       // CLOSE
    [InlineData(7, ConnectionState.CloseWait)]    // CLOSE_WAIT
    [InlineData(8, ConnectionState.Closed)]       // LAST_ACK
    [InlineData(9, ConnectionState.SynReceived)]  // LISTEN
    [InlineData(10, ConnectionState.SynReceived)] // SYNACK
    public void EveryIpvsTcpStateFoldsIntoOneOfOurs(ushort ipvs, ConnectionState state)
    {
        Assert.True(SyncConnectionMapping.TryGetState(SyncWire.ProtocolTcp, ipvs, out ConnectionState mapped));
        Assert.Equal(state, mapped);
    }

    [Theory]
    [InlineData(SyncWire.ProtocolTcp, SyncWire.TcpStateCount)]
    [InlineData(SyncWire.ProtocolTcp, 0xffff)]
    [InlineData(SyncWire.ProtocolUdp, 1)]
    [InlineData(1, 0)]   // ICMP
    [InlineData(132, 0)] // SCTP
    public void StatesPastTheProtocolsLastAndOtherProtocolsHaveNoState(byte protocol, ushort ipvs) =>
        Assert.False(SyncConnectionMapping.TryGetState(protocol, ipvs, out _));

    [Theory]
    [InlineData(ForwardingMethod.DirectRouting, ConnectionState.Established, 0x0083)]
    [InlineData(ForwardingMethod.DirectRouting, ConnectionState.SynReceived, 0x0183)]
    [InlineData(ForwardingMethod.Tunnel, ConnectionState.Established, 0x0082)]
    [InlineData(ForwardingMethod.Tunnel, ConnectionState.FinWait, 0x0182)]
    [InlineData(ForwardingMethod.Masquerading, ConnectionState.Established, 0x0000)]
    [InlineData(ForwardingMethod.Masquerading, ConnectionState.Udp, 0x0100)]
    public void ConnectionFlagsCarryTheMethodNoOutputAndInactive(ForwardingMethod method, ConnectionState state, uint flags)
    {
        Assert.Equal((SyncFlags)flags, SyncConnectionMapping.ConnectionFlags(method, state));
        Assert.True(SyncConnectionMapping.TryGetForwardingMethod((SyncFlags)flags, out ForwardingMethod back));
        Assert.Equal(method, back);
    }

    [Theory]
    [InlineData(ForwardingMethod.DirectRouting, 0x1183)]
    [InlineData(ForwardingMethod.Tunnel, 0x1182)]
    [InlineData(ForwardingMethod.Masquerading, 0x1100)]
    public void TemplateFlagsCarryTemplateTheMethodAndInactive(ForwardingMethod method, uint flags) =>
        Assert.Equal((SyncFlags)flags, SyncConnectionMapping.TemplateFlags(method));

    [Theory]
    [InlineData(SyncWire.FlagLocalNode)]
    [InlineData(SyncWire.FlagBypass)]
    [InlineData(5u)]
    public void LocalNodeAndBypassAreNotOurMethods(uint flags) =>
        Assert.False(SyncConnectionMapping.TryGetForwardingMethod((SyncFlags)flags, out _));

    [Fact]
    public void AnEstablishedDrConnectionOfOurTableSyncsAsTheGoldenVector()
    {
        DirectorEngine engine = DrLab.Engine();
        const long now = 5000;
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Syn), _output, now - 10).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(Frames.Tcp(DrLab.ClientIp, 40000, DrLab.Vip, 80, TcpFlags.Ack), _output, now).Kind);

        IReadOnlyList<SyncEntry> entries = SyncConnectionMapping.Export(engine, now);
        Assert.Equal(SyncVectors.OneTcpDirectRouteEntry, Assert.Single(entries));
        Assert.Equal(SyncVectors.OneTcpDirectRoute, Assert.Single(SyncMessageWriter.WriteMessages([.. entries], 1)));
    }

    [Fact]
    public void APersistentUdpNatConnectionAndItsTemplateSyncAsTheGoldenVector()
    {
        DirectorEngine engine = NatLab.Engine(rules: PersistentUdpNatRules);
        const long now = 7000;

        // rr's first choice is 10.2.0.11; a first datagram from another client takes it.
        Assert.Equal(DecisionKind.Forward, engine.Process(TwoPortLab.Ext, Frames.Udp(TwoPortLab.RemoteClientIp, 1000, TwoPortLab.Vip, 53, 64, TwoPortLab.RouterMac, TwoPortLab.ExtMac), _output, 0).Kind);
        Assert.Equal(DecisionKind.Forward, engine.Process(TwoPortLab.Ext, Frames.Udp(TwoPortLab.ClientIp, 50000, TwoPortLab.Vip, 53, 64, TwoPortLab.ClientMac, TwoPortLab.ExtMac), _output, now).Kind);

        SyncEntry[] entries = [.. SyncConnectionMapping.Export(engine, now).Where(e => e.ClientAddress == TwoPortLab.ClientIp)];

        // Export gives templates first; the kernel sends a connection, then its template.
        Assert.Equal([SyncVectors.UdpNatTemplateEntry, SyncVectors.UdpNatEntry], entries);
        Assert.Equal(SyncVectors.UdpNatWithTemplate, Assert.Single(SyncMessageWriter.WriteMessages([entries[1], entries[0]], 7)));
    }

    [Fact]
    public void TemplatesOfAllPortsMarkAndFtpServicesCarryTheKernelsPorts()
    {
        var dr = new RealServer(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.DirectRouting, 1);
        var key = new PersistenceKey(0, Ipv4Address.Parse("10.0.0.0"));
        var template = new PersistenceTemplate(0, 0, 300_000, 0);

        SyncEntry port = SyncConnectionMapping.FromTemplate(key, template, Service(80), dr, 0);
        Assert.Equal(SyncWire.ProtocolTcp, port.Protocol);
        Assert.Equal(80, port.VirtualPort);
        Assert.Equal(80, port.DestinationPort);
        Assert.Equal(300u, port.TimeoutSeconds);
        Assert.Equal(SyncFlags.Template | SyncFlags.Inactive | SyncFlags.NoOutput | (SyncFlags)3, port.Flags);

        SyncEntry allPorts = SyncConnectionMapping.FromTemplate(key, template, Service(0), dr, 0);
        Assert.Equal(0, allPorts.VirtualPort);
        Assert.Equal(0, allPorts.DestinationPort);

        SyncEntry ftp = SyncConnectionMapping.FromTemplate(key, template, Service(21), dr, 0);
        Assert.Equal(0, ftp.VirtualPort);
        Assert.Equal(0, ftp.DestinationPort);

        var markService = new VirtualService(7, "rr", [dr]) { PersistenceTimeout = 300 };
        SyncEntry mark = SyncConnectionMapping.FromTemplate(key, template, markService, dr, 0);
        Assert.Equal(SyncWire.ProtocolFirewallMarkTemplate, mark.Protocol);
        Assert.Equal(new Ipv4Address(7), mark.VirtualAddress);
        Assert.Equal(0, mark.VirtualPort);
        Assert.Equal(0, mark.DestinationPort);
        Assert.Equal(7u, mark.FirewallMark);

        static VirtualService Service(ushort port) =>
            new(ServiceProtocol.Tcp, Ipv4Address.Parse("10.0.0.100"), port, "rr", [new RealServer(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.DirectRouting, 1)]) { PersistenceTimeout = 300 };
    }

    [Fact]
    public void TheTimeLeftIsRoundedUpToASecondAndNeverZero()
    {
        var key = new ConnectionKey(ServiceProtocol.Tcp, SyncVectors.Client, 40000, SyncVectors.Vip, 80);
        var server = new RealServer(SyncVectors.Rs1, 80, ForwardingMethod.DirectRouting, 1);
        var service = new VirtualService(ServiceProtocol.Tcp, SyncVectors.Vip, 80, "rr", [server]);
        uint Left(long expires, long now) =>
            SyncConnectionMapping.FromConnection(key, new ConnectionEntry(0, 0, ConnectionState.Established, 0, expires, 1), service, server, now).TimeoutSeconds;

        Assert.Equal(900u, Left(900_000, 0));
        Assert.Equal(900u, Left(900_000, 1));
        Assert.Equal(899u, Left(900_000, 1000));
        Assert.Equal(1u, Left(900_000, 899_999));
        Assert.Equal(1u, Left(900_000, 900_000));
    }

    [Fact]
    public void TheRealServerIsFoundByAddressAndPortThenByAddressAlone()
    {
        RealServer[] servers =
        [
            new(Ipv4Address.Parse("10.0.0.11"), 80, ForwardingMethod.DirectRouting, 1),
            new(Ipv4Address.Parse("10.0.0.11"), 8080, ForwardingMethod.DirectRouting, 1),
            new(Ipv4Address.Parse("10.0.0.12"), 0, ForwardingMethod.DirectRouting, 1),
        ];
        Assert.Equal(1, SyncConnectionMapping.IndexOfRealServer(servers, Ipv4Address.Parse("10.0.0.11"), 8080));
        Assert.Equal(0, SyncConnectionMapping.IndexOfRealServer(servers, Ipv4Address.Parse("10.0.0.11"), 0));
        Assert.Equal(2, SyncConnectionMapping.IndexOfRealServer(servers, Ipv4Address.Parse("10.0.0.12"), 443));
        Assert.Equal(-1, SyncConnectionMapping.IndexOfRealServer(servers, Ipv4Address.Parse("10.0.0.11"), 443));
        Assert.Equal(-1, SyncConnectionMapping.IndexOfRealServer(servers, Ipv4Address.Parse("10.0.0.13"), 80));
    }
}
