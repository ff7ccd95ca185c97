using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LvsLab.Lab.Runtime;

namespace LvsLab.Cli;

/// <summary>
/// The verbs that break a running lab on purpose and mend it: <c>stop</c>, <c>start</c> and
/// <c>restart</c> a node, <c>link down</c> and <c>link up</c>. Each prints one line.
/// </summary>
internal static class FaultVerbs
{
    /// <summary><c>stop NODE</c>: stops a node's container, as a crashed or powered-off machine.</summary>
    public static Command Stop() => NodeVerb("stop", "stop a node (its container), as a crashed or powered-off machine", async (lab, node, ct) =>
    {
        await lab.StopNodeAsync(node, ct);
        return "stopped";
    });

    /// <summary><c>start NODE</c>: starts a stopped node; it wires itself again.</summary>
    public static Command Start() => NodeVerb("start", "start a stopped node: it comes back with its addresses, lo VIPs and routes", async (lab, node, ct) =>
    {
        await lab.StartNodeAsync(node, ct);
        return "started and wired";
    });

    /// <summary><c>restart NODE</c>: stops and starts a node, as <c>docker restart</c>.</summary>
    public static Command Restart() => NodeVerb("restart", "restart a node (as docker restart): it comes back wired", async (lab, node, ct) =>
    {
        await lab.RestartNodeAsync(node, ct);
        return "restarted and wired";
    });

    /// <summary><c>link down|up NODE[:NETWORK]</c>: pulls out or plugs back a node's cable.</summary>
    public static Command Link()
    {
        var state = new Argument<string>("state") { Description = "down (pull the cable out) or up (plug it back in)" };
        state.AcceptOnlyFromAmong("down", "up");
        var target = new Argument<string>("target") { Description = "NODE (all its links) or NODE:NETWORK (one link)" };
        var name = LabVerbs.LabName();
        var command = new Command("link", "pull out (down) or plug back (up) the cable of a node's link: the node sees no carrier, keeps its addresses") { state, target, name };
        command.SetAction(async (result, ct) => await LabVerbs.RunAsync(result.GetValue(name), async lab =>
        {
            var parts = result.GetValue(target)!.Split(':', 2);
            var up = result.GetValue(state) == "up";
            var node = lab.Node(parts[0]);
            var changed = await lab.SetLinkAsync(node.Name, parts.Length > 1 ? parts[1] : null, up, ct);
            Console.WriteLine($"{string.Join(", ", changed)}: link {(up ? "up" : "down")}");
            return 0;
        }, ct));
        return command;
    }

    private static Command NodeVerb(string verb, string description, Func<IRunningLab, string, CancellationToken, Task<string>> act)
    {
        var node = new Argument<string>("node") { Description = "the node, e.g. rs1, director" };
        var name = LabVerbs.LabName();
        var command = new Command(verb, description) { node, name };
        command.SetAction(async (result, ct) => await LabVerbs.RunAsync(result.GetValue(name), async lab =>
        {
            var target = lab.Node(result.GetValue(node)!);
            var watch = Stopwatch.StartNew();
            var what = await act(lab, target.Name, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target.Name} {what} ({lab.Node(target.Name).Container}, {watch.Elapsed.TotalSeconds:F1} s)"));
            return 0;
        }, ct));
        return command;
    }
}
