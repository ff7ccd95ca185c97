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
            ["total", "outerInvalid", "outerNotIpInIp", "outerFragment", "innerTruncated", "innerInvalid", "innerBadChecksum", "writeFailed"],
            dropped.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, dropped.GetProperty("total").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerTruncated").GetInt64());
        Assert.Equal(1, dropped.GetProperty("innerBadChecksum").GetInt64());
        Assert.Equal(0, dropped.GetProperty("writeFailed").GetInt64());
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
