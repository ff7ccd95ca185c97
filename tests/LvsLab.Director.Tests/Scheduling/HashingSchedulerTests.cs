using LvsLab.Director.Rules;
using LvsLab.Director.Scheduling;
using LvsLab.Packets;
using Xunit;
using static LvsLab.Director.Tests.Scheduling.LeastConnectionSchedulerTests;

namespace LvsLab.Director.Tests.Scheduling;

public class HashingSchedulerTests
{
    private static readonly Ipv4Address Vip = new(10, 0, 0, 100);

    [Fact]
    public void ShSendsTheSameClientToTheSameServerAndSpreadsClients()
    {
        var sh = new SourceHashingScheduler();
        RealServer[] servers = Servers(1, 1, 1, 1);
        sh.Reset(servers);
        var random = new Random(11);
        var client = new Ipv4Address(192, 168, 7, 42);
        int first = sh.Select(servers, Context(client, 1000, Vip));
        Assert.InRange(first, 0, 3);
        for (int i = 0; i < 1000; i++)
        {
            // Any source port, any state of the other servers: the same server.
            Assert.Equal(first, sh.Select(servers, Context(client, (ushort)random.Next(65536), Vip, busy: random.Next(100))));
        }

        int[] perServer = new int[servers.Length];
        for (int i = 0; i < 4000; i++)
        {
            perServer[sh.Select(servers, Context(new Ipv4Address((uint)random.Next()), 1000, Vip))]++;
        }

        Assert.All(perServer, count => Assert.InRange(count, 700, 1300));
    }

    [Fact]
    public void ShTableFollowsWeightsAndSendsAWeightZeroServersBucketsNowhere()
    {
        var sh = new SourceHashingScheduler();
        RealServer[] servers = Servers(3, 0, 1);
        sh.Reset(servers);

        // As ip_vs_sh: A A A B C, A A A B C, ...; the weight-0 server keeps one bucket per round.
        Assert.Equal([0, 0, 0, 1, 2, 0, 0, 0, 1, 2], sh.Buckets[..10].ToArray());
        int clientsWithoutServer = 0;
        for (uint i = 0; i < 5000; i++)
        {
            int chosen = sh.Select(servers, Context(new Ipv4Address(0x0A000000u + (i * 7919u)), 0, Vip));
            Assert.NotEqual(1, chosen);
            if (chosen < 0)
            {
                clientsWithoutServer++;
            }
        }

        // Without sh-fallback the clients hashed to the weight-0 server's buckets get none (about 1/5).
        Assert.InRange(clientsWithoutServer, 600, 1400);
    }

    [Fact]
    public void ShPortFlagHashesThePortToo()
    {
        var sh = new SourceHashingScheduler(hashPort: true);
        RealServer[] servers = Servers(1, 1, 1);
        sh.Reset(servers);
        var client = new Ipv4Address(192, 168, 7, 42);
        var seen = new HashSet<int>();
        for (ushort port = 1000; port < 1100; port++)
        {
            seen.Add(sh.Select(servers, Context(client, port, Vip)));
            Assert.Equal(sh.Select(servers, Context(client, port, Vip)), sh.Select(servers, Context(client, port, Vip)));
        }

        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void DhSendsTheSameDestinationToTheSameServerAndSpreadsDestinations()
    {
        var dh = new DestinationHashingScheduler();
        RealServer[] servers = Servers(1, 5, 1);
        dh.Reset(servers);
        var random = new Random(12);
        var destination = new Ipv4Address(203, 0, 113, 77);
        int first = dh.Select(servers, Context(new Ipv4Address(10, 9, 9, 9), 1, destination));
        for (int i = 0; i < 1000; i++)
        {
            // Any client, any port: only the destination counts.
            Assert.Equal(first, dh.Select(servers, Context(new Ipv4Address((uint)random.Next()), (ushort)random.Next(65536), destination)));
        }

        int[] perServer = new int[servers.Length];
        for (int i = 0; i < 3000; i++)
        {
            perServer[dh.Select(servers, Context(new Ipv4Address(10, 0, 0, 1), 1, new Ipv4Address((uint)random.Next())))]++;
        }

        // The dh table ignores weights: each server holds a third of the buckets.
        Assert.All(perServer, count => Assert.InRange(count, 800, 1200));
    }

    [Fact]
    public void DhWeightZeroServerGetsNothing()
    {
        var dh = new DestinationHashingScheduler();
        RealServer[] servers = Servers(1, 0);
        dh.Reset(servers);
        for (uint i = 0; i < 256; i++)
        {
            int chosen = dh.Select(servers, Context(default, 0, new Ipv4Address(0x0A000000u + i)));
            Assert.Equal(dh.Buckets[(int)((i * 2654435761u) & 255)] == 0 ? 0 : -1, chosen);
        }
    }

    internal static SchedulingContext Context(Ipv4Address client, ushort port, Ipv4Address destination, int busy = 0)
    {
        int[] active = [busy, busy / 2, busy / 3, busy / 4, 0, 0, 0, 0, 0, 0, 0];
        return new SchedulingContext(active, active, client, port, destination, 80);
    }
}
