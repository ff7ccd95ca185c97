using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LvsLab.PacketGen;
using Xunit;

namespace LvsLab.PacketIo.Tests;

public class PacketGenTests
{
    [Fact]
    public void ArgumentsAreReadWithDefaults()
    {
        var a = GenArguments.Parse(["udp", "--to", "10.77.1.100:9999", "--rate", "50000"]);
        Assert.Equal(IPEndPoint.Parse("10.77.1.100:9999"), a.To);
        Assert.Equal(50000, a.Rate);
        Assert.Equal(2, a.Seconds);
        Assert.Equal(22, a.PayloadLength);
        Assert.Equal(16, a.Flows);
        Assert.True(GenArguments.Parse([]).Help);
    }

    [Theory]
    [InlineData("--rate 0", "--rate '0'")]
    [InlineData("--rate 5x", "--rate '5x'")]
    [InlineData("--size 59", "--size '59'")]
    [InlineData("--flows 2000", "--flows '2000'")]
    [InlineData("--seconds 0.01", "--seconds '0.01'")]
    [InlineData("--bogus 1", "unknown option '--bogus'")]
    [InlineData("--first-port 0", "--first-port '0'")]
    [InlineData("--first-port 65530", "--first-port 65530 with --flows 16: the last port would pass 65535")]
    public void BadArgumentsAreNamed(string extra, string named)
    {
        var args = new List<string> { "udp", "--to", "10.77.1.100:9999", "--rate", "100" };
        args.AddRange(extra.Split(' '));
        var e = Assert.Throws<ArgumentException>(() => GenArguments.Parse(args));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("udp --rate 100", "--to ADDR:PORT is required")]
    [InlineData("udp --to 10.77.1.100 --rate 100", "--to '10.77.1.100'")]
    [InlineData("udp --to [::1]:80 --rate 100", "IPv4")]
    [InlineData("tcp --to 10.77.1.100:80 --rate 100", "unknown command 'tcp'")]
    public void BadTargetsAreNamed(string line, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => GenArguments.Parse(line.Split(' ')));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePacerNeverRunsAheadAndCatchesUpInBatches()
    {
        var pacer = new Pacer(1000, 2000);
        Assert.Equal(1, pacer.Due(0, 0, 32));
        Assert.Equal(0, pacer.Due(0, 1, 32));
        Assert.Equal(11, pacer.Due(0.0105, 0, 32));
        Assert.Equal(32, pacer.Due(1, 0, 32)); // late: a batch at a time
        Assert.Equal(0, pacer.Due(5, 2000, 32)); // never past the total
        Assert.Equal(0.5, pacer.DueAt(500));
    }

    [Fact]
    public void EveryDatagramArrivesWithItsSequenceNumber()
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)sink.LocalEndPoint!).Port;
        var arguments = GenArguments.Parse(["udp", "--to", $"127.0.0.1:{port}", "--rate", "20000", "--seconds", "0.2", "--flows", "4", "--batch", "16", "--first-port", "47100"]);

        var result = UdpBlaster.Run(arguments, CancellationToken.None);

        Assert.Equal(4000, result.Sent);
        Assert.Equal(0, result.Errors);
        Assert.InRange(result.Seconds, 0.18, 5);
        var seen = new HashSet<long>();
        var sources = new HashSet<int>();
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (sink.Poll(200_000, SelectMode.SelectRead))
        {
            var length = sink.ReceiveFrom(buffer, ref from);
            Assert.Equal(22, length);
            Assert.True(seen.Add(BinaryPrimitives.ReadInt64BigEndian(buffer)));
            sources.Add(((IPEndPoint)from).Port);
        }

        Assert.Equal(Enumerable.Range(0, 4000).Select(i => (long)i), seen.Order());
        Assert.Equal([47100, 47101, 47102, 47103], sources.Order());
    }
}
