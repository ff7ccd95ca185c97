using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using LvsLab.Director.Connections;
using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director.Host;

/// <summary>
/// The connection table in ipvsadm's <c>-Lnc</c> layout, written without holding up the frames
/// and without making garbage: the table is copied a slice at a time (<see cref="SliceLength"/>
/// entries, each slice under the engine's lock with the rules it was indexed by), and each slice
/// is formatted as UTF-8 into a pooled buffer and written out with the lock free. Like the
/// kernel's own listing, the entries come in table order, and it is not one atomic picture: a
/// connection that comes or goes while it runs may be missing or shown. Its memory is one slice
/// and one buffer whatever the table's size — a listing that kept the table (or a string per
/// line) would make the collector stop the frames (measured by the stall bench: 7.9 GB allocated
/// and 676 ms of pauses over seven listings of a million lines).
/// </summary>
internal static class ConnectionListing
{
    /// <summary>Entries copied per take of the lock.</summary>
    public const int SliceLength = 2048;

    // The longest line is under 100 bytes; the buffer is written out before it has less room.
    private const int BufferLength = 1 << 16;
    private const int LineRoom = 128;

    /// <summary>Writes the listing of <paramref name="director"/>'s table to <paramref name="output"/>.</summary>
    public static void Write(LiveDirector director, Stream output)
    {
        var slice = ArrayPool<KeyValuePair<ConnectionKey, ConnectionEntry>>.Shared.Rent(SliceLength);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferLength);
        try
        {
            var length = 0;
            Append(buffer, ref length, "IPVS connection entries\npro expire state       source                virtual               destination\n"u8);
            var walk = new ConnectionSlices(director, slice, SliceLength);
            while (walk.Next())
            {
                for (var i = 0; i < walk.Count; i++)
                {
                    var (key, entry) = slice[i];
                    var real = walk.Rules.Services[entry.ServiceIndex].RealServers[entry.RealServerIndex];
                    Line(
                        buffer,
                        ref length,
                        key.Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP",
                        entry.ExpiresAtMilliseconds - walk.Now,
                        StatsText.State(entry.State),
                        (key.ClientAddress, key.ClientPort),
                        (key.VirtualAddress, key.VirtualPort),
                        (real.Address, entry.IsMasqueraded ? entry.RealServerPort : real.Port));
                    Flush(output, buffer, ref length, LineRoom);
                }
            }

            var (templates, templateRules, templateNow) = ConnectionSlices.Templates(director);

            // Persistence templates, as IPVS lists them: state NONE, client port 0.
            foreach (var (key, template) in templates)
            {
                var service = templateRules.Services[key.ServiceIndex];
                var real = service.RealServers[template.RealServerIndex];
                Line(buffer, ref length, StatsText.Protocol(service), template.ExpiresAtMilliseconds - templateNow, "NONE", (key.Client, 0), Virtual(service), (real.Address, real.Port), service.FirewallMark ?? 0);
                Flush(output, buffer, ref length, LineRoom);
            }

            Flush(output, buffer, ref length, BufferLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<KeyValuePair<ConnectionKey, ConnectionEntry>>.Shared.Return(slice);
        }
    }

    // A template's virtual column: VIP:PORT, or the mark alone for a -f service.
    private static (IpAddress Address, int Port)? Virtual(VirtualService service) =>
        service.IsFirewallMark ? null : (service.Address, service.Port);

    private static void Line(
        byte[] buffer,
        ref int length,
        string protocol,
        long leftMilliseconds,
        string state,
        (IpAddress Address, int Port) source,
        (IpAddress Address, int Port)? destinationVirtual,
        (IpAddress Address, int Port) destination,
        uint mark = 0)
    {
        var left = TimeSpan.FromMilliseconds(Math.Max(0, leftMilliseconds));
        var line = buffer.AsSpan(length);
        _ = Utf8.TryWrite(line, CultureInfo.InvariantCulture, $"{protocol,-3} {(int)left.TotalMinutes:00}:{left.Seconds:00} {state,-11} ", out var written);
        written += Endpoint(line[written..], source, 22);
        written += destinationVirtual is { } v ? Endpoint(line[written..], v, 22) : Mark(line[written..], mark, 22);
        written += Endpoint(line[written..], destination, 0);
        line[written++] = (byte)'\n';
        length += written;
    }

    // ADDRESS:PORT, then spaces up to width (the column and the space after it).
    private static int Endpoint(Span<byte> into, (IpAddress Address, int Port) endpoint, int width)
    {
        // As ipvsadm -Lnc: an IPv6 address in brackets.
        int written;
        _ = endpoint.Address.IsIpv4
            ? Utf8.TryWrite(into, CultureInfo.InvariantCulture, $"{endpoint.Address}:{endpoint.Port}", out written)
            : Utf8.TryWrite(into, CultureInfo.InvariantCulture, $"[{endpoint.Address}]:{endpoint.Port}", out written);
        return Pad(into, written, width);
    }

    private static int Mark(Span<byte> into, uint mark, int width)
    {
        _ = Utf8.TryWrite(into, CultureInfo.InvariantCulture, $"{mark}", out var written);
        return Pad(into, written, width);
    }

    private static int Pad(Span<byte> into, int written, int width)
    {
        var end = Math.Max(written + (width > 0 ? 1 : 0), width);
        into[written..end].Fill((byte)' ');
        return end;
    }

    private static void Append(byte[] buffer, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(buffer.AsSpan(length));
        length += text.Length;
    }

    // Writes the buffer out when less than room is left in it.
    private static void Flush(Stream output, byte[] buffer, ref int length, int room)
    {
        if (BufferLength - length < room)
        {
            output.Write(buffer, 0, length);
            length = 0;
        }
    }
}
