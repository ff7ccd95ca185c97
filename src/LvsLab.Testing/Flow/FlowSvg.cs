using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Testing.Flow;

/// <summary>
/// A flow as a self-contained SVG, drawn like the seed's figures: the nodes as boxes in a row
/// in path order, and for each hop an arrow from sender to receiver labelled with the frame's
/// source and destination MAC and IP (and ports, TTL or IPv6 hop limit, a tunnel's outer header); what changed
/// since the previous hop is red and bold. No scripts, no external fonts; the same flow always
/// gives the same bytes.
/// </summary>
public static class FlowSvg
{
    private const int Margin = 20;
    private const int Gutter = 70;
    private const int LineHeight = 15;
    private const int BoxTop = 92;
    private const int MinBoxWidth = 190;
    private const int BoxGap = 60;
    private const string RequestColour = "#1f4e9c";
    private const string ReplyColour = "#2e7d32";
    private const string ChangedColour = "#c62828";

    /// <summary>Renders <paramref name="flow"/>.</summary>
    /// <param name="flow">The flow.</param>
    /// <returns>The SVG document.</returns>
    public static string Render(PacketFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var mode = flow.Mode.ToUpperInvariant();
        var nodes = flow.Nodes.Select(n => (Node: n, Lines: BoxLines(n, flow.VipName))).ToList();
        var boxWidth = Math.Max(MinBoxWidth, nodes.Count == 0 ? 0 : nodes.Max(n => n.Lines.Max(l => TextWidth(l.Text))) + 20);
        var spacing = boxWidth + BoxGap;
        var boxHeight = ((nodes.Count == 0 ? 1 : nodes.Max(n => n.Lines.Count)) * LineHeight) + 14;
        var centre = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            centre[nodes[i].Node.Name] = Margin + Gutter + (i * spacing) + (boxWidth / 2);
        }

        var body = new StringBuilder();
        var right = Margin + Gutter + (nodes.Count * spacing);
        var y = BoxTop + boxHeight + 20;
        var sections = new List<(string Heading, IReadOnlyList<FlowHop> Hops, string Colour, string Marker)>
        {
            ($"request · {flow.Client} {flow.Packet.SourceText} → {(flow.Packet.Destination.Equals(flow.Vip) ? $"{flow.VipName} " : string.Empty)}{flow.Packet.DestinationText} · {flow.Packet.ProtocolText}", flow.Request, RequestColour, "request"),
        };
        if (flow.Reply.Count > 0 && flow.ReplyPacket is { } reply)
        {
            sections.Add(($"reply · {flow.Reply[0].From} {reply.SourceText} → {flow.Client} {reply.DestinationText} · {reply.ProtocolText}{(flow.ReplyBypassesDirector ? " · bypasses the director" : string.Empty)}", flow.Reply, ReplyColour, "reply"));
        }

        foreach (var (heading, hops, colour, marker) in sections)
        {
            y += 8;
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{y + 12}\" font-weight=\"bold\" fill=\"{colour}\">{Escape(heading)}</text>\n");
            right = Math.Max(right, Margin + TextWidth(heading));
            y += 24;
            foreach (var hop in hops)
            {
                y = Hop(body, hop, centre, y, colour, marker, ref right);
            }
        }

        var lifelineEnd = y;
        y += 16;
        var footer = new List<string>();
        for (var i = 0; i < flow.Summary.Count; i++)
        {
            footer.Add($"{(i == 0 ? $"{mode}: " : new string(' ', mode.Length + 2))}{flow.Summary[i]}");
        }

        foreach (var line in footer)
        {
            y += LineHeight;
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{y}\" xml:space=\"preserve\">{Escape(line)}</text>\n");
            right = Math.Max(right, Margin + TextWidth(line));
        }

        var title = $"LVS-{mode}: one {flow.Packet.ProtocolText} packet, hop by hop · lab {flow.Lab}";
        const string legend = "red bold: changed since the previous hop · blue: request · green: reply";
        right = Math.Max(right, Math.Max(Margin + TextWidth(title, 16), Margin + TextWidth(legend)));
        var width = right + Margin;
        var height = y + Margin;

        var svg = new StringBuilder();
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n");
        svg.Append("<defs>\n");
        foreach (var (id, colour) in new[] { ("request", RequestColour), ("reply", ReplyColour) })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>\n");
        }

        svg.Append("</defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"30\" font-size=\"16\" font-weight=\"bold\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"52\" fill=\"#555555\">red bold: <tspan fill=\"{ChangedColour}\" font-weight=\"bold\">changed since the previous hop</tspan> · <tspan fill=\"{RequestColour}\">blue: request</tspan> · <tspan fill=\"{ReplyColour}\">green: reply</tspan></text>\n");
        for (var i = 0; i < nodes.Count; i++)
        {
            var (node, lines) = nodes[i];
            var x = centre[node.Name] - (boxWidth / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{centre[node.Name]}\" y1=\"{BoxTop + boxHeight}\" x2=\"{centre[node.Name]}\" y2=\"{lifelineEnd}\" stroke=\"#9e9e9e\" stroke-dasharray=\"4 4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{BoxTop}\" width=\"{boxWidth}\" height=\"{boxHeight}\" rx=\"6\" fill=\"{Fill(node.Role)}\" stroke=\"#424242\"/>\n");
            for (var j = 0; j < lines.Count; j++)
            {
                var (text, bold) = lines[j];
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{centre[node.Name]}\" y=\"{BoxTop + 18 + (j * LineHeight)}\" text-anchor=\"middle\"{(bold ? " font-weight=\"bold\" font-size=\"13\"" : string.Empty)}>{Escape(text)}</text>\n");
            }
        }

        // A white halo under every label keeps it readable where it crosses a lifeline.
        svg.Append("<g stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
        svg.Append(body);
        svg.Append("</g>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static int Hop(StringBuilder body, FlowHop hop, Dictionary<string, int> centre, int top, string colour, string marker, ref int right)
    {
        var from = centre[hop.From];
        var to = centre[hop.To];
        if (from == to)
        {
            to = from + 60;
        }

        var left = Math.Min(from, to) + 10;
        var y = top + 14;
        var lines = new List<string>
        {
            $"MAC   {Span(hop.SourceMac, hop.Changed, FlowFields.SourceMac)} → {Span(hop.DestinationMac, hop.Changed, FlowFields.DestinationMac)}",
        };
        var plain = new List<string> { $"MAC   {hop.SourceMac} → {hop.DestinationMac}" };
        if (hop.Outer is { } outer)
        {
            const FlowFields wrapped = FlowFields.Wrapped;
            var tunnel = FlowWords.Tunnel(outer.IsIpv6, hop.Packet.IsIpv6);
            lines.Add($"outer {Span(outer.Source.ToString(), hop.Changed, wrapped | FlowFields.OuterSourceAddress)} → {Span(outer.Destination.ToString(), hop.Changed, wrapped | FlowFields.OuterDestinationAddress)}  {outer.TimeToLiveName} {Span(Number(outer.TimeToLive), hop.Changed, wrapped | FlowFields.OuterTimeToLive)}  {tunnel}");
            plain.Add($"outer {outer.Source} → {outer.Destination}  {outer.TimeToLiveName} {Number(outer.TimeToLive)}  {tunnel}");
        }

        foreach (var line in lines)
        {
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{y}\" xml:space=\"preserve\">{line}</text>\n");
            y += LineHeight;
        }

        var arrowY = y - 4;
        var (x1, x2) = from < to ? (from + 4, to - 4) : (from - 4, to + 4);
        body.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1}\" y1=\"{arrowY}\" x2=\"{x2}\" y2=\"{arrowY}\" stroke=\"{colour}\" stroke-width=\"2\" marker-end=\"url(#{marker})\"/>\n");
        body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{arrowY + 4}\" font-weight=\"bold\" fill=\"{colour}\">{Number(hop.Number)}</text>\n");
        body.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + 22}\" y=\"{arrowY + 4}\" fill=\"#555555\">{Escape(hop.Network)}</text>\n");
        y = arrowY + 18;

        var label = hop.Outer is null ? "IP   " : "inner";
        var p = hop.Packet;

        // "TTL   64" lines up with "MAC   …" and "IP    …"; "hop limit 64" is longer.
        var ttl = p.TimeToLiveName.PadRight(5);
        var below = new List<(string Markup, string Plain, string Attributes)>
        {
            (
                $"{label} {Endpoint(p.Source, p.SourcePort, hop.Changed, FlowFields.SourceAddress, FlowFields.SourcePort)} → {Endpoint(p.Destination, p.DestinationPort, hop.Changed, FlowFields.DestinationAddress, FlowFields.DestinationPort)}",
                $"{label} {p.SourceText} → {p.DestinationText}",
                string.Empty),
            (
                $"{ttl} {Span(Number(p.TimeToLive), hop.Changed, FlowFields.TimeToLive)} · {Escape(p.ProtocolText)} · {Escape(Milliseconds(hop.Offset))}",
                $"{ttl} {Number(p.TimeToLive)} · {p.ProtocolText} · {Milliseconds(hop.Offset)}",
                string.Empty),
            (Escape(hop.Note), hop.Note, " fill=\"#555555\" font-style=\"italic\""),
        };
        foreach (var (markup, text, attributes) in below)
        {
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{y}\" xml:space=\"preserve\"{attributes}>{markup}</text>\n");
            plain.Add(text);
            y += LineHeight;
        }

        right = Math.Max(right, left + plain.Max(l => TextWidth(l)));
        return y + 6;
    }

    private static List<(string Text, bool Bold)> BoxLines(FlowNode node, string vipName)
    {
        var lines = new List<(string, bool)> { (node.Name, true) };
        if (Caption(node.Role) is var caption && caption != node.Name)
        {
            lines.Add((caption, false));
        }

        foreach (var nic in node.Interfaces)
        {
            lines.Add(($"{nic.Network} {nic.Address}", false));
            lines.Add((nic.Mac ?? "(MAC not seen)", false));
        }

        if (node.Vip is { } vip)
        {
            lines.Add((node.Role == NodeRole.RealServer ? $"{vipName} {vip} on lo" : $"{vipName} {vip}", false));
        }

        return lines;
    }

    private static string Caption(NodeRole? role) => role switch
    {
        NodeRole.Client => "client · CIP",
        NodeRole.Router => "router",
        NodeRole.Director => "director · DIP, VIP",
        NodeRole.RealServer => "real server · RIP",
        _ => "no lab node has this MAC",
    };

    private static string Fill(NodeRole? role) => role switch
    {
        NodeRole.Client => "#e8f0fe",
        NodeRole.Router => "#f1f3f4",
        NodeRole.Director => "#fdecea",
        NodeRole.RealServer => "#e6f4ea",
        _ => "#fffde7",
    };

    // As FlowHeader writes it: address:port, [IPv6 address]:port, or the address alone.
    private static string Endpoint(IPAddress address, int? port, FlowFields changed, FlowFields addressField, FlowFields portField) =>
        port is not { } p ? Span(address.ToString(), changed, addressField)
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Span(address.ToString(), changed, addressField)}]:{Span(Number(p), changed, portField)}"
        : $"{Span(address.ToString(), changed, addressField)}:{Span(Number(p), changed, portField)}";

    private static string Span(string text, FlowFields changed, FlowFields field) =>
        (changed & field) != FlowFields.None
            ? $"<tspan fill=\"{ChangedColour}\" font-weight=\"bold\">{Escape(text)}</tspan>"
            : Escape(text);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Milliseconds(TimeSpan offset) =>
        "+" + offset.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    /// <summary>An estimate of a monospace line's width: about 0.6 em per character.</summary>
    private static int TextWidth(string text, int fontSize = 12) => ((text.Length * fontSize * 61) + 99) / 100;

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&apos;",
                // Characters XML 1.0 cannot hold at all (control characters): a visible stand-in.
                _ when c < ' ' && c != '\t' && c != '\n' && c != '\r' => "?",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
