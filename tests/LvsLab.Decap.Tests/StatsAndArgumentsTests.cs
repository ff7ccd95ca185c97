using System.Text.Json;
using Xunit;

namespace LvsLab.Decap.Tests;

public class StatsAndArgumentsTests
{
    [Fact]
    public void StatsJsonHasTunTotalsAndEveryDropReasonInCamelCase()
    {
        var decap = new Decapsulator();
        var good = TestPackets.Wrap(TestPackets.IcmpEcho());
        decap.Process(good, out _, out _);
        decap.RecordWrite(succeeded: true);
        decap.Process(TestPackets.WrapRaw(TestPackets.IcmpEcho().AsSpan(0, 10)), out _, out _);
        var badChecksum = TestPackets.IcmpEcho();
        badChecksum[8]++;
        decap.Process(TestPackets.WrapRaw(badChecksum), out _, out _);

        var text = StatsFile.Format("tun7", decap.Snapshot());

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(["tun", "received", "delivered", "dropped"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("tun7", root.GetProperty("tun").GetString());
        Assert.Equal(3, root.GetProperty("received").GetInt64());
        Assert.Equal(1, root.GetProperty("delivered").GetInt64());
        var dropped = root.GetProperty("dropped");
        Assert.Equal(
            [
                "total", "outerInvalid", "outerNotIpInIp", "outerFragment", "innerTruncated", "innerInvalid", "innerBadChecksum", "writeFailed",
                "innerIpv6Truncated", "innerIpv6Invalid", "innerIpv6BadExtensionHeaders",
            ],
            dropped.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, dropped.GetProperty("total").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerTruncated").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerBadChecksum").GetInt64());
        Assert.Equal(0, dropped.GetProperty("writeFailed").GetInt64());
    }

    [Fact]
    public void StatsJsonCountsTheIpv6SocketsDropsUnderTheirOwnKeys()
    {
        var decap = new Decapsulator();
        decap.Process(TunnelKind.Ipv6InIpv6, TestPackets.Icmpv6Echo()[..39], out _, out _);
        decap.Process(TunnelKind.Ipv6InIpv6, TestPackets.IcmpEcho(dataLength: 40), out _, out _);
        decap.Process(TunnelKind.Ipv6InIpv6, TestPackets.Ipv6(50, new byte[8]), out _, out _);
        decap.Process(TunnelKind.Ipv6InIpv6, TestPackets.Ipv6(51, new byte[8]), out _, out _);
        decap.Process(TunnelKind.Ipv4InIpv6, TestPackets.Icmpv6Echo(), out _, out _);

        using var json = JsonDocument.Parse(StatsFile.Format("tun0", decap.Snapshot()));
        var dropped = json.RootElement.GetProperty("dropped");
        Assert.Equal(5, json.RootElement.GetProperty("received").GetInt64());
        Assert.Equal(5, dropped.GetProperty("total").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerIpv6Truncated").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerIpv6Invalid").GetInt64());
        Assert.Equal(2, dropped.GetProperty("innerIpv6BadExtensionHeaders").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerInvalid").GetInt64());
    }

    [Fact]
    public void DropReasonsAreEveryResultButDeliverInEnumOrderEachWithItsOwnDescription()
    {
        // The counters are indexed by the enum and the stats file lists DropReasons: both must agree.
        Assert.Equal(Enum.GetValues<DecapResult>().Where(r => r != DecapResult.Deliver), Decapsulator.DropReasons);
        var descriptions = Decapsulator.DropReasons.Select(Decapsulator.Describe).ToList();
        Assert.Equal(descriptions.Count, descriptions.Distinct().Count());
        Assert.DoesNotContain(Decapsulator.Describe(DecapResult.Deliver), descriptions);

        var decap = new Decapsulator();
        foreach (var reason in Decapsulator.DropReasons)
        {
            Assert.Equal(0, decap.GetDropped(reason));
            Assert.Equal(0, decap.Snapshot().GetDropped(reason));
        }
    }

    [Fact]
    public void OnlyEafnosupportOnAnIpv6SocketMeansCarryOnWithIpv4()
    {
        Assert.True(TunnelSocketSet.IsIpv6Disabled(TunnelKind.Ipv6InIpv6, LibC.EAfNoSupport));
        Assert.True(TunnelSocketSet.IsIpv6Disabled(TunnelKind.Ipv4InIpv6, LibC.EAfNoSupport));
        Assert.False(TunnelSocketSet.IsIpv6Disabled(TunnelKind.Ipv4InIpv4, LibC.EAfNoSupport));
        Assert.False(TunnelSocketSet.IsIpv6Disabled(TunnelKind.Ipv6InIpv6, 1)); // EPERM: no CAP_NET_RAW
        Assert.False(TunnelSocketSet.IsIpv6Disabled(TunnelKind.Ipv6InIpv6, 93)); // EPROTONOSUPPORT
        Assert.Equal(97, LibC.EAfNoSupport);
        Assert.Equal(TunnelKind.Ipv4InIpv4, TunnelSocketSet.Kinds[0]);
        Assert.Equal(Enum.GetValues<TunnelKind>().Order(), TunnelSocketSet.Kinds.Order());
    }

    [Fact]
    public void TheStartLineSaysWhichSocketsListenAndWhyIpv6IsLeftOut()
    {
        Assert.Equal(
            "protocol 4 over IPv4, next header 41 over IPv6, next header 4 over IPv6",
            TunnelSocketSet.DescribeListening(TunnelSocketSet.Kinds, 0, e => $"errno {e}"));
        Assert.Equal(
            "protocol 4 over IPv4; IPv4 only: IPv6 is disabled on this node (errno 97)",
            TunnelSocketSet.DescribeListening([TunnelKind.Ipv4InIpv4], 97, e => $"errno {e}"));
    }

    [Fact]
    public void StatsFileIsReplacedAtomicallyAndNoTemporaryFileStays()
    {
        var directory = Directory.CreateTempSubdirectory("lvs-decap-test-");
        try
        {
            var path = Path.Combine(directory.FullName, "stats.json");
            StatsFile.WriteAtomically(path, "{\"a\":1}\n");
            StatsFile.WriteAtomically(path, "{\"a\":2}\n");

            Assert.Equal("{\"a\":2}\n", File.ReadAllText(path));
            Assert.Equal(["stats.json"], directory.GetFiles().Select(f => f.Name));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void StatsPublisherWritesAtStartAndTheFinalCountersAtStop()
    {
        var directory = Directory.CreateTempSubdirectory("lvs-decap-test-");
        try
        {
            var path = Path.Combine(directory.FullName, "stats.json");
            var decap = new Decapsulator();
            var log = new List<string>();
            using (new StatsPublisher(decap, path, "tun0", log.Add))
            {
                using var initial = JsonDocument.Parse(File.ReadAllText(path));
                Assert.Equal(0, initial.RootElement.GetProperty("received").GetInt64());
                decap.Process([1, 2, 3], out _, out _);
            }

            using var final = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(1, final.RootElement.GetProperty("received").GetInt64());
            Assert.Equal(1, final.RootElement.GetProperty("dropped").GetProperty("outerInvalid").GetInt64());
            Assert.Empty(log);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ArgumentsDefaultToTun0AndRunStats()
    {
        var parsed = DecapArguments.Parse([]);
        Assert.Equal("tun0", parsed.TunName);
        Assert.Equal("/run/lvs-decap.json", parsed.StatsPath);
        Assert.False(parsed.Help);
    }

    [Fact]
    public void ArgumentsTakeTunAndStats()
    {
        var parsed = DecapArguments.Parse(["--tun", "decap1", "--stats", "/tmp/x.json"]);
        Assert.Equal("decap1", parsed.TunName);
        Assert.Equal("/tmp/x.json", parsed.StatsPath);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("tun0")]
    [InlineData("--tun")]
    [InlineData("--stats")]
    [InlineData("--tun", "")]
    [InlineData("--tun", "a-name-that-is-16")]
    [InlineData("--tun", "bad/name")]
    [InlineData("--tun", "sp ace")]
    [InlineData("--stats", "")]
    public void BadArgumentsAreRefused(params string[] args)
    {
        Assert.Throws<ArgumentException>(() => DecapArguments.Parse(args));
    }
}
