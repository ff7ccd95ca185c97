using System.Diagnostics;
using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Topologies;

namespace LvsLab.Lab.Tests;

/// <summary>
/// The script a node wires itself with at every start, run here by <c>/bin/sh</c> against a
/// stand-in <c>ip</c> that keeps its interfaces in a file and logs every change.
/// </summary>
public sealed class NodeWiringTests : IDisposable
{
    // A stand-in for iproute2: "ip -o -4 addr show" prints the state file; "link set dev X name Y"
    // renames in it; every other call is logged.
    private const string FakeIp = """
        #!/bin/sh
        state="$WIRE_DIR/state"
        echo "ip $*" >>"$WIRE_DIR/log"
        case "$*" in
          "-o -4 addr show") awk '{ printf "%d: %s    inet %s/24 brd 10.0.0.255 scope global %s\n", NR + 1, $1, $2, $1 }' "$state" ;;
          "-o -6 addr show") awk 'NF > 2 { printf "%d: %s    inet6 %s/64 scope global nodad \\       valid_lft forever preferred_lft forever\n", NR + 1, $1, $3 }' "$state" ;;
          "link set dev "*" name "*) sed -i "s/^$4 /$6 /" "$state" ;;
          "link show dev "*) grep -q "^$4 " "$state"; exit $? ;;
        esac
        exit 0
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("lvslab-wire-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ARealServerGetsItsVipOnLoAndItsRouteThenRunsItsProgram()
    {
        var rs = StockLabs.Load("dr", "w", 3).Node("rs1");
        var (exit, log, output) = Run(rs, "eth0 " + rs.Interfaces[0].Address, "echo program ran with \"$@\"", "a b");

        Assert.Equal(0, exit);
        Assert.Contains($"ip addr replace {rs.LoopbackAddresses[0]}/32 dev lo", log);
        Assert.Contains($"ip route replace default via {rs.Routes[0].Via}", log);
        Assert.Contains("ip route del default", log);
        Assert.DoesNotContain(log, l => l.Contains(" name ", StringComparison.Ordinal));
        Assert.Contains("program ran with a b", output, StringComparison.Ordinal);
        Assert.Contains("lvslab-wire: wired", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ADualStackRealServerAddsItsIpv6AddressTheVip6OnLoAndItsIpv6RouteWithoutDad()
    {
        var rs = StockLabs.Load("dr", "w", 3, ipv6: true).Node("rs1");
        var (exit, log, output) = Run(rs, $"eth0 {rs.Interfaces[0].Address} {rs.Interfaces[0].Address6}", "echo program ran", "");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "ip -6 route del default",
                "ip -6 addr replace fd00:10:77:7::11/64 dev eth0 nodad",
                "ip -6 addr replace fd00:10:77:7::100/128 dev lo nodad",
                "ip -6 route replace default via fd00:10:77:7::2",
            ],
            log.Where(l => l.StartsWith("ip -6 ", StringComparison.Ordinal)));
        Assert.Contains("ip addr replace 10.77.7.100/32 dev lo", log);
        Assert.Contains("ip route replace default via 10.77.7.2", log);
        Assert.Contains("program ran", output, StringComparison.Ordinal);

        // Docker's own IPv6 assignment is waited for before the interface is touched.
        Assert.True(log.IndexOf("ip -o -6 addr show") < log.IndexOf("ip -6 addr replace fd00:10:77:7::11/64 dev eth0 nodad"));
    }

    [Fact]
    public void TheScriptWaitsForDockersIpv6AddressAfterTheIpv4OneBeforeTouchingTheInterface()
    {
        var rs = StockLabs.Load("dr", "w", 3, ipv6: true).Node("rs1");

        var script = NodeWiring.Script(rs);

        var waitIpv4 = script.IndexOf("dev_of \"$a\"", StringComparison.Ordinal);
        var waitIpv6 = script.IndexOf("for a in fd00:10:77:7::11; do\n  while ! ip -o -6 addr show | grep -q \" inet6 $a/\"; do", StringComparison.Ordinal);
        var rename = script.IndexOf("ip link set dev", StringComparison.Ordinal);
        Assert.True(waitIpv4 > 0 && waitIpv6 > waitIpv4, script);
        Assert.True(rename == -1 || rename > waitIpv6, script);
        Assert.True(script.IndexOf("ip -6 addr replace", StringComparison.Ordinal) > waitIpv6);
    }

    [Fact]
    public void EachInterfaceOfADualStackRouterGetsItsOwnIpv6Address()
    {
        var router = StockLabs.Create("tun", "w", 2, ipv6: true).Node("router");

        var script = NodeWiring.Script(router);

        Assert.Contains("ip -6 addr replace fd00:10:77:4::2/64 dev eth0 nodad\n", script, StringComparison.Ordinal);
        Assert.Contains("ip -6 addr replace fd00:10:77:5::2/64 dev eth1 nodad\n", script, StringComparison.Ordinal);
        Assert.Contains("ip -6 addr replace fd00:10:78:2::2/64 dev eth2 nodad\n", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dr")]
    [InlineData("nat")]
    [InlineData("tun")]
    [InlineData("seed")]
    public void TheDualStackScriptIsTheIpv4ScriptPlusIpv6LinesAndTheIpv4ScriptHasNone(string kind)
    {
        var ipv4 = StockLabs.Create(kind, "w", 3);
        var dual = StockLabs.Create(kind, "w", 3, ipv6: true);

        foreach (var node in ipv4.Nodes)
        {
            var script = NodeWiring.Script(node);
            Assert.DoesNotContain("ip -6", script, StringComparison.Ordinal);
            var withoutIpv6 = string.Concat(WithoutIpv6Wait(NodeWiring.Script(dual.Node(node.Name)).Split('\n')).Where(l => !l.StartsWith("ip -6 ", StringComparison.Ordinal)).Select(l => l + "\n"));
            Assert.Equal(script + "\n", withoutIpv6);
        }
    }

    [Fact]
    public void InterfacesAttachedInAnotherOrderAreNamedInTheTopologysOrder()
    {
        // The seed lab's router has four networks; after a restart the engine attached them
        // in another order, so eth1 holds the third network's address and eth2 the second's.
        var router = SeedLab.Create("s").Node("router");
        var a = router.Interfaces.Select(i => i.Address.ToString()).ToArray();
        var (exit, _, _) = Run(router, $"eth0 {a[0]}\neth1 {a[2]}\neth2 {a[1]}\neth3 {a[3]}", "true", "");

        Assert.Equal(0, exit);
        Assert.Equal(
            [$"eth0 {a[0]}", $"eth1 {a[1]}", $"eth2 {a[2]}", $"eth3 {a[3]}"],
            File.ReadAllLines(Path.Combine(dir, "state")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AMissingInterfaceFailsWithItsAddressInsteadOfWiringHalfANode()
    {
        var rs = StockLabs.Load("dr", "w", 3).Node("rs1") with { Interfaces = [new NodeInterface("lan", IPAddress.Parse("10.99.0.7"))] };
        var script = NodeWiring.Script(rs).Replace("tries=3000", "tries=3", StringComparison.Ordinal);
        var (exit, log, output) = Run(script, "eth0 10.99.0.8", "echo program ran", "");

        Assert.Equal(1, exit);
        Assert.Contains("no interface with address 10.99.0.7", output, StringComparison.Ordinal);
        Assert.DoesNotContain(log, l => l.Contains("route", StringComparison.Ordinal));
        Assert.DoesNotContain("program ran", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWaitCommandPrintsTheMarkerOnceWired()
    {
        var command = NodeWiring.WaitCommand(TimeSpan.FromMilliseconds(100)).Replace(NodeWiring.MarkerPath, Path.Combine(dir, "marker"), StringComparison.Ordinal);
        Assert.Equal(1, Shell(command, out _));
        File.WriteAllText(Path.Combine(dir, "marker"), "eth0 02:42:0a:00:00:02 7\n");
        Assert.Equal(0, Shell(command, out var printed));
        Assert.Equal("eth0 02:42:0a:00:00:02 7\n", printed);
    }

    // The lines of a script without its wait for the IPv6 addresses (from "for a in fd…" to its "done").
    private static IEnumerable<string> WithoutIpv6Wait(IEnumerable<string> lines)
    {
        var skipping = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("for a in fd", StringComparison.Ordinal))
            {
                skipping = true;
            }
            else if (skipping && line == "done")
            {
                skipping = false;
            }
            else if (!skipping)
            {
                yield return line;
            }
        }
    }

    private (int Exit, List<string> Log, string Output) Run(LabNode node, string interfaces, string program, string arguments) =>
        Run(NodeWiring.Script(node), interfaces, program, arguments);

    private (int Exit, List<string> Log, string Output) Run(string script, string interfaces, string program, string arguments)
    {
        File.WriteAllText(Path.Combine(dir, "state"), interfaces + "\n");
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "ip"), FakeIp.Replace("\r", "", StringComparison.Ordinal) + "\n");
        File.WriteAllText(Path.Combine(dir, "program"), $"#!/bin/sh\n{program}\n");
        File.WriteAllText(Path.Combine(dir, "wire"), script.Replace(NodeWiring.MarkerPath, Path.Combine(dir, "marker"), StringComparison.Ordinal));
        var exit = Shell($"chmod +x {bin}/ip {dir}/program && PATH={bin}:$PATH WIRE_DIR={dir} sh {dir}/wire {dir}/program {arguments}", out var output);
        var log = File.Exists(Path.Combine(dir, "log")) ? File.ReadAllLines(Path.Combine(dir, "log")).ToList() : [];
        return (exit, log, output);
    }

    private static int Shell(string command, out string output)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode;
    }
}
