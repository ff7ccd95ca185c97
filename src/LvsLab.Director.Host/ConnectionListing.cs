using System.Globalization;
using LvsLab.Director.Connections;
using LvsLab.Director.Rules;

namespace LvsLab.Director.Host;

/// <summary>
/// The connection table in ipvsadm's <c>-Lnc</c> layout, taken without holding up the frames:
/// the table is copied a slice at a time (<see cref="SliceLength"/> entries, each slice under the
/// engine's lock with the rules it was indexed by), then sorted and written out with the lock
/// free. Like the kernel's own listing, it is not one atomic picture: a connection that comes or
/// goes while it runs may be missing or shown.
/// </summary>
internal static class ConnectionListing
{
    /// <summary>Entries copied per take of the lock.</summary>
    public const int SliceLength = 2048;

    /// <summary>Writes the listing of <paramref name="director"/>'s table to <paramref name="writer"/>.</summary>
    public static void Write(LiveDirector director, TextWriter writer)
    {
        var rows = new List<Row>();
        var slice = new KeyValuePair<ConnectionKey, ConnectionEntry>[SliceLength];
        var slot = 0;
        while (slot >= 0)
        {
            int copied;
            RuleSet rules;
            lock (director.Gate)
            {
                copied = director.Engine.Connections.CopyEntries(slot, slice, out slot);
                rules = director.Engine.Rules;
            }

            for (var i = 0; i < copied; i++)
            {
                rows.Add(new Row(slice[i].Key, slice[i].Value, rules));
            }
        }

        KeyValuePair<PersistenceKey, PersistenceTemplate>[] templates;
        RuleSet templateRules;
        long now;
        lock (director.Gate)
        {
            // Templates: one per persistent service and client network, copied at once.
            templates = [.. director.Engine.Connections.Templates];
            templateRules = director.Engine.Rules;
            now = director.NowMilliseconds;
        }

        rows.Sort(static (a, b) => a.Entry.ExpiresAtMilliseconds.CompareTo(b.Entry.ExpiresAtMilliseconds));
        Array.Sort(templates, static (a, b) => a.Value.ExpiresAtMilliseconds.CompareTo(b.Value.ExpiresAtMilliseconds));
        writer.WriteLine("IPVS connection entries");
        writer.WriteLine("pro expire state       source                virtual               destination");
        foreach (var (key, entry, rules) in rows)
        {
            var service = rules.Services[entry.ServiceIndex];
            var real = service.RealServers[entry.RealServerIndex];
            writer.WriteLine(Invariant($"{(key.Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP"),-3} {Left(entry.ExpiresAtMilliseconds, now)} {StatsText.State(entry.State),-11} {key.ClientAddress + ":" + key.ClientPort,-21} {key.VirtualAddress + ":" + key.VirtualPort,-21} {real.Address + ":" + (entry.IsMasqueraded ? entry.RealServerPort : real.Port)}"));
        }

        // Persistence templates, as IPVS lists them: state NONE, client port 0.
        foreach (var (key, template) in templates)
        {
            var service = templateRules.Services[key.ServiceIndex];
            var real = service.RealServers[template.RealServerIndex];
            writer.WriteLine(Invariant($"{StatsText.Protocol(service),-3} {Left(template.ExpiresAtMilliseconds, now)} {"NONE",-11} {key.Client + ":0",-21} {StatsText.Name(service),-21} {real.Address + ":" + real.Port}"));
        }
    }

    private static string Left(long expiresAt, long now)
    {
        var left = TimeSpan.FromMilliseconds(Math.Max(0, expiresAt - now));
        return Invariant($"{(int)left.TotalMinutes:00}:{left.Seconds:00}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Row(ConnectionKey Key, ConnectionEntry Entry, RuleSet Rules);
}
