using System.Globalization;
using System.Net;
using LvsLab.Lab.Model;
using LvsLab.Lab.Runtime;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Conformance.Catalog;

/// <summary>The lab's parts as the cases use them: client, director, real servers, the service's URL, taps.</summary>
internal static class LabProbe
{
    public static RunningNode Client(IRunningLab lab) => lab.Nodes.First(n => n.Role == NodeRole.Client);

    public static RunningNode Director(IRunningLab lab) => lab.Nodes.First(n => n.Role == NodeRole.Director);

    public static RunningNode Router(IRunningLab lab) => lab.Nodes.First(n => n.Role == NodeRole.Router);

    public static IReadOnlyList<RunningNode> RealServers(IRunningLab lab) => [.. lab.Nodes.Where(n => n.Role == NodeRole.RealServer)];

    public static IPAddress ClientAddress(IRunningLab lab) => Client(lab).Interfaces[0].Address;

    public static string Url(IRunningLab lab) => string.Create(CultureInfo.InvariantCulture, $"http://{lab.Topology.Vip}:{lab.Topology.Port}/");

    public static Task<IReadOnlyList<ServerReply?>> GetAsync(IRunningLab lab, int count, CancellationToken ct) =>
        HttpProbe.GetAsync(lab, Client(lab).Name, Url(lab), count, cancellationToken: ct);

    public static string Answered(IReadOnlyList<ServerReply?> replies) =>
        string.Create(CultureInfo.InvariantCulture, $"answered: {replies.Count(r => r is not null)} of {replies.Count}");

    /// <summary>Frames on every link of <paramref name="node"/>.</summary>
    public static IReadOnlyList<CapturedFrame> AllOn(TapSet taps, RunningNode node) =>
        [.. node.Interfaces.SelectMany(i => taps.On($"{node.Name}:{i.Network}")).OrderBy(f => f.Time)];
}
