using System.Globalization;

namespace LvsLab.Cli;

/// <summary>What <c>lvslab up</c> suggests trying next on the lab it brought up, each with what it shows, aligned.</summary>
internal static class NextSteps
{
    /// <summary>The lines, indented, the comments in one column.</summary>
    /// <param name="lab">The lab's name.</param>
    /// <param name="vip">The VIP.</param>
    /// <param name="port">The service's port.</param>
    /// <param name="realServer">A real server to break, or null when the lab has none.</param>
    /// <param name="directors">The lab's director nodes (two for a VRRP pair).</param>
    /// <returns>The lines.</returns>
    public static IReadOnlyList<string> Lines(string lab, string vip, int port, string? realServer, IReadOnlyList<string> directors)
    {
        var director = directors.Count > 0 ? directors[0] : "director";
        var steps = new List<(string Command, string Comment)>
        {
            ($"lvslab probe --name {lab}", "requests from the client: which server answered"),
            ($"lvslab flow --name {lab} -o flow.svg", "one request's path, hop by hop"),
            ($"lvslab capture {director} --name {lab} -w {director}.pcap --seconds 10", "a pcap for Wireshark"),
            ($"lvslab stats --name {lab}", "the director's counters (ipvsadm -Ln --stats)"),
            ($"lvslab exec client --name {lab} -- curl -s http://{vip}:{port.ToString(CultureInfo.InvariantCulture)}/", "one request by hand"),
            ("lvslab run --list", "the suite's checks, to run against this lab"),
        };
        if (realServer is not null)
        {
            steps.Add(($"lvslab probe --name {lab} --for 30s --rate 20 --plot timeline.svg", "a live timeline; meanwhile, in another terminal:"));
            steps.Add(($"lvslab stop {realServer} --name {lab}", $"break it: watch {realServer} leave, then: lvslab start {realServer}"));
            steps.Add(($"lvslab watch --name {lab}", "the director's real servers live: health, connections, rates"));
        }

        if (directors.Count > 1)
        {
            steps.Add(($"lvslab stop {director} --name {lab}", $"fail over: {directors[1]} takes the VIP (lvslab status --name {lab}), then: lvslab start {director}"));
        }

        steps.Add(($"lvslab down --name {lab}", "take it all down"));
        var width = steps.Max(s => s.Command.Length);
        return [.. steps.Select(s => $"  {s.Command.PadRight(width)}  # {s.Comment}")];
    }
}
