using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using LvsLab.Lab.Docker;
using LvsLab.Testing.Scenarios;
using LvsLab.Tests.Shared;

namespace LvsLab.Scenarios;

/// <summary>
/// 10⁵ mutated ipvsadm commands (issue 16, reproducible by seed) through the running director's
/// own control socket — reached from the host through the container's root, as fast as it
/// answers: each is applied whole ("ok: …") or refused with <c>command:LINE: reason</c>, and a
/// refused one leaves the configured rules (<c>-S</c>) exactly as they were; the director never
/// restarts, keeps answering, and forwards once its rules are restored.
/// </summary>
[Collection(StockDrLab.Name)]
public sealed partial class ControlSocketFuzzScenarios(FaultLabFixture fixture, ITestOutputHelper output)
{
    private const int Inputs = 100_000;

    private static readonly LineMutator Mutator = new(
        [
            "-A", "-E", "-D", "-C", "-a", "-e", "-d", "-t", "-u", "-f", "-s", "-r", "-g", "-m", "-i", "-w", "-p", "-M", "-o", "-L", "-S", "-n", "--set", "-Z",
            "rr", "wrr", "lc", "wlc", "sh", "mh", "lblc", "nosuch", "0", "1", "65535", "65536", "-1", "99999999999999999999",
            ":80", "256.1.1.1", "255.255.255.0", "\t", " ", "", "ä", "\0", "\"", "#",
        ],
        "0123456789.:- ",
        maxMutations: 1,
        padWords: true);

    [Fact]
    public async Task EveryMutatedCommandIsAppliedWholeOrRefusedWithItsLineAndTheDirectorKeepsServing()
    {
        fixture.SkipUnlessLvsDirector();
        var lab = fixture.Lab;
        var vip = lab.Topology.Vip;
        var rips = lab.Topology.NodesWith(Lab.Model.NodeRole.RealServer).Select(n => n.AddressOn("lan").ToString()).ToArray();
        var container = DockerLabRuntime.ContainerName(lab.Topology.Name, "director");
        var inspect = await DockerCli.RunAsync("inspect", "-f", "{{.State.Pid}} {{.State.StartedAt}} {{.RestartCount}}", container);
        Assert.Equal(0, inspect.ExitCode);
        var state = inspect.Stdout.Trim();
        var socket = $"/proc/{state.Split(' ')[0]}/root/run/lvs-director.sock";
        var original = await AskAsync(socket, "ipvsadm -S -n");
        Assert.StartsWith("-A -t ", original, StringComparison.Ordinal);

        string[] seeds =
        [
            $"-A -t {vip}:8081 -s rr",
            $"-A -u {vip}:5353 -s sh -p 60",
            $"-E -t {vip}:80 -s wlc",
            $"-E -t {vip}:80 -s rr -p 30",
            $"-a -t {vip}:80 -r {rips[0]}:8080 -g -w 3",
            $"-e -t {vip}:80 -r {rips[1]}:80 -g -w 2",
            $"-d -t {vip}:80 -r {rips[2]}:80",
            $"-D -t {vip}:80",
            $"-a -u {vip}:5353 -r {rips[0]}:5353 -g -w 1",
            "--set 900 120 300",

            // Their undoing, so that the rules come and go and the adds apply again.
            $"-D -t {vip}:8081",
            $"-D -u {vip}:5353",
            $"-d -t {vip}:80 -r {rips[0]}:8080",
            $"-a -t {vip}:80 -r {rips[2]}:80 -g -w 1",
            $"-d -u {vip}:5353 -r {rips[0]}:5353",
        ];

        var random = new Random(20261210);
        var (applied, refused, listed, restores) = (0, 0, 0, 0);
        var clock = Stopwatch.StartNew();
        try
        {
            // The rules as configured before each command: read again after each that was applied.
            var rules = original;
            for (var n = 0; n < Inputs; n++)
            {
                var command = Mutator.Mutate(seeds[random.Next(seeds.Length)], random).Replace('\n', ' ');
                var answer = await AskAsync(socket, "ipvsadm " + command);
                if (answer.StartsWith("ok: ", StringComparison.Ordinal))
                {
                    applied++;
                    rules = await AskAsync(socket, "ipvsadm -S -n");
                }
                else if (answer.StartsWith("error: ", StringComparison.Ordinal))
                {
                    refused++;
                    Assert.True(Refusal().IsMatch(answer), $"input {n} ('{command}'): '{answer.Trim()}' does not say command:LINE: reason");
                    Assert.Equal(rules, await AskAsync(socket, "ipvsadm -S -n"));
                }
                else
                {
                    // A mutation that became a listing (-L, -S): answered, changes nothing.
                    listed++;
                }

                // Rules the fuzz has emptied (a -C, a -D of the service) are restored, as a person would.
                if (!rules.Contains("-A ", StringComparison.Ordinal))
                {
                    Assert.StartsWith("ok: ", await AskAsync(socket, "ipvsadm-batch\n-C\n" + original), StringComparison.Ordinal);
                    rules = await AskAsync(socket, "ipvsadm -S -n");
                    restores++;
                }
            }
        }
        finally
        {
            output.WriteLine($"ipvsadm commands through the control socket: {Inputs} mutated in {clock.Elapsed.TotalSeconds:F0} s, {applied} applied, {refused} refused with command:LINE (rules unchanged), {listed} listings, {restores} restores of emptied rules; 0 escapes");
        }

        // The same process serves on: not restarted, answers, and forwards with its rules restored.
        Assert.StartsWith("ok: ", await AskAsync(socket, "ipvsadm-batch\n-C\n" + original), StringComparison.Ordinal);
        Assert.Equal(original, await AskAsync(socket, "ipvsadm -S -n"));
        Assert.Equal(state, (await DockerCli.RunAsync("inspect", "-f", "{{.State.Pid}} {{.State.StartedAt}} {{.RestartCount}}", container)).Stdout.Trim());
        Assert.All(await HttpProbe.GetAsync(lab, "client", $"http://{vip}:{lab.Topology.Port}/", 6), r => Assert.NotNull(r));
        Assert.True(applied > Inputs / 50 && refused > Inputs / 50, $"{applied} applied, {refused} refused: the mutations should make both");
    }

    // One command per connection: sent, the sending side closed, the answer read to its end.
    private static async Task<string> AskAsync(string path, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await socket.SendAsync(Encoding.UTF8.GetBytes(command + "\n"), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(answer.ToArray());
    }

    [GeneratedRegex(@"^error: command:\d+: \S")]
    private static partial Regex Refusal();
}
