using LvsLab.Lab.Runtime;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Scenarios;

/// <summary>
/// The <c>lvslab</c> verbs against a running lab (the shared DR lab), run as a separate process
/// that finds the lab from its Docker labels.
/// </summary>
[Collection(DrLabCollection.Name)]
public sealed class CliVerbScenarios(DrLabFixture fixture, ITestOutputHelper output)
{
    private string Name => fixture.Topology.Name;

    private string Vip => fixture.Topology.Vip.ToString();

    [Fact]
    public async Task ExecRunsInANodeAndPassesItsExitCodeOn()
    {
        var lo = await Cli("exec", "rs1", "--name", Name, "--", "ip", "-4", "addr", "show", "lo");
        Assert.Equal(0, lo.ExitCode);
        Assert.Contains($"inet {Vip}/32", lo.Stdout, StringComparison.Ordinal);

        var failing = await Cli("exec", "client", "--name", Name, "--", "sh", "-c", "echo oops >&2; exit 3");
        Assert.Equal(3, failing.ExitCode);
        Assert.Contains("oops", failing.Stderr, StringComparison.Ordinal);

        var unknown = await Cli("exec", "rs9", "--name", Name, "--", "true");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains($"lab '{Name}' has no node 'rs9' (nodes: client, director, router, rs1, rs2, rs3)", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeShowsWhichServerAnsweredEachRequest()
    {
        var probe = await Cli("probe", "-n", "6", "--name", Name);
        Assert.Equal(0, probe.ExitCode);
        var rows = probe.Stdout.Split('\n').Where(l => l.TrimStart().Length > 0 && char.IsDigit(l.TrimStart()[0])).ToList();
        Assert.Equal(6, rows.Count);
        foreach (var rs in new[] { "rs1", "rs2", "rs3" })
        {
            Assert.Equal(2, rows.Count(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == rs));
            Assert.Contains($"  {rs,-8}     2  (33.3%)", probe.Stdout, StringComparison.Ordinal);
        }

        var cip = fixture.Topology.Node("client").AddressOn("front").ToString();
        Assert.All(rows, r => Assert.Contains(cip + ":", r, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task StatsAndRulesShowTheDirectorAndRulesApplyAllOrNothing()
    {
        // stats and rules talk to lvs-director's control socket.
        fixture.SkipUnlessLvsDirector();
        var stats = await Cli("stats", "--name", Name);
        Assert.Equal(0, stats.ExitCode);
        Assert.Contains($"TCP  {Vip}:80", stats.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await Cli("stats", "--json", "--name", Name)).ExitCode);

        var rules = await Cli("rules", "--name", Name);
        Assert.Equal(0, rules.ExitCode);
        Assert.StartsWith($"-A -t {Vip}:80 -s rr\n", rules.Stdout, StringComparison.Ordinal);

        var rs1 = fixture.Topology.Node("rs1").AddressOn("lan");
        var good = Path.GetTempFileName();
        var bad = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(good, $"-e -t {Vip}:80 -r {rs1}:80 -g -w 2\n");
            var applied = await Cli("rules", "--apply", good, "--name", Name);
            Assert.Equal(0, applied.ExitCode);
            Assert.Contains($"-a -t {Vip}:80 -r {rs1}:80 -g -w 2", (await Cli("rules", "--name", Name)).Stdout, StringComparison.Ordinal);

            // The second line is wrong: neither line applies.
            await File.WriteAllTextAsync(bad, $"-e -t {Vip}:80 -r {rs1}:80 -g -w 1\n-a -t {Vip}:80 -r {rs1}:80 -g\n");
            var refused = await Cli("rules", "--apply", bad, "--name", Name);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("error: command:2: duplicate real server", refused.Stdout, StringComparison.Ordinal);
            Assert.Contains($"-a -t {Vip}:80 -r {rs1}:80 -g -w 2", (await Cli("rules", "--name", Name)).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await File.WriteAllTextAsync(good, $"-e -t {Vip}:80 -r {rs1}:80 -g -w 1\n");
            await Cli("rules", "--apply", good, "--name", Name);
            File.Delete(good);
            File.Delete(bad);
        }
    }

    [Fact]
    public async Task CaptureWritesAPcapOfANodesLinkThatHoldsTheRequests()
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"lvslab-cli-{Guid.NewGuid():N}.pcap");
        try
        {
            using var capture = CliRunner.Start(["capture", "director", "--seconds", "4", "-w", pcap, "--name", Name]);
            var stderr = capture.StandardError.ReadLineAsync();
            Assert.StartsWith("capturing director-lan", await stderr, StringComparison.Ordinal);
            var replies = await HttpProbe.GetAsync(fixture.Lab, "client", $"http://{Vip}/", 3);
            Assert.All(replies, r => Assert.NotNull(r));
            await capture.WaitForExitAsync();
            var stdout = await capture.StandardOutput.ReadToEndAsync();
            output.WriteLine(stdout);
            Assert.Equal(0, capture.ExitCode);

            // A pcap (magic a1b2c3d4 or d4c3b2a1) with the director's SYNs in it.
            var bytes = await File.ReadAllBytesAsync(pcap);
            Assert.True(bytes.Length > 24, "the pcap is empty");
            Assert.Contains(BitConverter.ToUInt32(bytes, 0), new uint[] { 0xa1b2c3d4, 0xd4c3b2a1 });
            using var reader = new SharpPcap.LibPcap.CaptureFileReaderDevice(pcap);
            reader.Open(new SharpPcap.DeviceConfiguration());
            var syns = 0;
            while (reader.GetNextPacket(out var packet) == SharpPcap.GetPacketStatus.PacketRead)
            {
                var tcp = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Ethernet, packet.Data.ToArray()).Extract<PacketDotNet.TcpPacket>();
                syns += tcp is { Synchronize: true, Acknowledgment: false, DestinationPort: 80 } ? 1 : 0;
            }

            Assert.True(syns >= 6, $"{syns} SYNs (3 in, 3 out) in the pcap");
        }
        finally
        {
            File.Delete(pcap);
        }

        var unknown = await Cli("capture", "nowhere", "--seconds", "1", "--name", Name);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("'nowhere' is neither a node", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowPrintsTheHopsAndWritesAPicture()
    {
        var svg = Path.Combine(Path.GetTempPath(), $"lvslab-flow-{Guid.NewGuid():N}.svg");
        try
        {
            var flow = await Cli("flow", "--name", Name, "-o", svg);
            Assert.Equal(0, flow.ExitCode);
            Assert.Contains("DR at director: src MAC, dst MAC; IP header unchanged", flow.Stdout, StringComparison.Ordinal);
            Assert.Contains("bypasses the director", flow.Stdout, StringComparison.Ordinal);
            Assert.Contains($"picture: {svg}", flow.Stdout, StringComparison.Ordinal);
            var document = System.Xml.Linq.XDocument.Load(svg);
            Assert.Equal("svg", document.Root!.Name.LocalName);
        }
        finally
        {
            File.Delete(svg);
        }
    }

    [Fact]
    public async Task VerbsOnALabThatDoesNotExistSaySo()
    {
        var result = await Cli("probe", "--name", "no-such-lab");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no lab named 'no-such-lab' is running", result.Stderr, StringComparison.Ordinal);
    }

    private Task<ExecResult> Cli(params string[] args) => CliRunner.RunAsync(args, output);
}
