using System.Globalization;
using System.Text;

namespace LvsLab.Testing.Flow;

/// <summary>
/// A flow as terminal text: a line per hop in aligned columns (number, network, nodes, MACs,
/// addresses, TTL or IPv6 hop limit, time, what changed), an extra line for a tunnel's outer
/// header (named by what it carries: IP-in-IP, IPv6-in-IPv6, IPv4-in-IPv6), the reply after the
/// request, and what the director did.
/// </summary>
public static class FlowText
{
    /// <summary>Renders <paramref name="flow"/>; lines end with <c>\n</c>.</summary>
    /// <param name="flow">The flow.</param>
    /// <returns>The text.</returns>
    public static string Render(PacketFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var mode = flow.Mode.ToUpperInvariant();
        var rows = new List<(string? Heading, string[]? Cells)>
        {
            ($"request  {flow.Client}({flow.Packet.SourceText}) → {Service(flow, flow.Packet)}, {mode}, {flow.Packet.ProtocolText}", null),
        };
        AddHops(rows, flow.Request);
        if (flow.Reply.Count > 0 && flow.ReplyPacket is { } reply)
        {
            var bypass = flow.ReplyBypassesDirector ? ", bypasses the director" : string.Empty;
            rows.Add(($"reply    {flow.Reply[0].From}({reply.SourceText}) → {flow.Client}({reply.DestinationText}), {reply.ProtocolText}{bypass}", null));
            AddHops(rows, flow.Reply);
        }

        var cellRows = rows.Where(r => r.Cells is not null).Select(r => r.Cells!).ToList();
        var columns = cellRows.Count == 0 ? 0 : cellRows.Max(c => c.Length);
        var widths = Enumerable.Range(0, columns).Select(i => cellRows.Max(c => i < c.Length ? c[i].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var (heading, cells) in rows)
        {
            if (heading is not null)
            {
                text.Append(heading).Append('\n');
                continue;
            }

            var line = new StringBuilder();
            for (var i = 0; i < cells!.Length; i++)
            {
                // The number is right-aligned; the rest left-aligned; two spaces between columns.
                line.Append(i == 0 ? cells[i].PadLeft(Math.Max(2, widths[i])) : cells[i].PadRight(widths[i]));
                line.Append(i == cells.Length - 1 ? string.Empty : "  ");
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        for (var i = 0; i < flow.Summary.Count; i++)
        {
            text.Append(i == 0 ? $"{mode}: " : new string(' ', mode.Length + 2)).Append(flow.Summary[i]).Append('\n');
        }

        return text.ToString();
    }

    private static string Service(PacketFlow flow, FlowHeader packet) =>
        packet.Destination.Equals(flow.Vip) ? $"{flow.VipName} {packet.DestinationText}" : packet.DestinationText;

    private static void AddHops(List<(string? Heading, string[]? Cells)> rows, IReadOnlyList<FlowHop> hops)
    {
        foreach (var hop in hops)
        {
            rows.Add((null,
            [
                hop.Number.ToString(CultureInfo.InvariantCulture),
                hop.Network,
                $"{hop.From} → {hop.To}",
                $"{hop.SourceMac} → {hop.DestinationMac}",
                $"{hop.Packet.SourceText} → {hop.Packet.DestinationText}",
                string.Create(CultureInfo.InvariantCulture, $"{hop.Packet.TimeToLiveName} {hop.Packet.TimeToLive}"),
                Milliseconds(hop.Offset),
                hop.Note,
            ]));
            if (hop.Outer is { } outer)
            {
                rows.Add((null,
                [
                    string.Empty,
                    string.Empty,
                    string.Empty,
                    string.Empty,
                    $"outer {outer.SourceText} → {outer.DestinationText}",
                    string.Create(CultureInfo.InvariantCulture, $"{outer.TimeToLiveName} {outer.TimeToLive}"),
                    string.Empty,
                    FlowWords.Tunnel(outer.IsIpv6, hop.Packet.IsIpv6),
                ]));
            }
        }
    }

    private static string Milliseconds(TimeSpan offset) =>
        "+" + offset.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";
}
