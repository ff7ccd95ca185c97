using LvsLab.Lab.Runtime;

namespace LvsLab.Testing.Capture;

/// <summary>Taps on several links of a running lab, started and stopped together.</summary>
public sealed class TapSet : IAsyncDisposable
{
    private readonly Dictionary<string, Tap> taps;
    private readonly string folder;
    private bool saved;

    private TapSet(Dictionary<string, Tap> taps, string folder)
    {
        this.taps = taps;
        this.folder = folder;
    }

    /// <summary>The pcaps written by <see cref="StopAsync"/>.</summary>
    public IReadOnlyList<string> Pcaps { get; private set; } = [];

    /// <summary>Starts a tap on each named link: <c>node</c> (all its interfaces) or <c>node:network</c>.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="folder">Where the pcaps go.</param>
    /// <param name="links">The links.</param>
    /// <returns>The running taps.</returns>
    public static TapSet Start(IRunningLab lab, string folder, params string[] links) => StartFiltered(lab, folder, null, links);

    /// <summary>Starts a tap on each named link, keeping only the frames <paramref name="filter"/> passes.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="folder">Where the pcaps go.</param>
    /// <param name="filter">A capture filter (tcpdump syntax), or null for every frame.</param>
    /// <param name="links">The links: <c>node</c> (all its interfaces) or <c>node:network</c>.</param>
    /// <returns>The running taps.</returns>
    public static TapSet StartFiltered(IRunningLab lab, string folder, string? filter, params string[] links)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(links);
        var taps = new Dictionary<string, Tap>();
        try
        {
            foreach (var link in links)
            {
                var parts = link.Split(':');
                var node = lab.Node(parts[0]);
                foreach (var nic in node.Interfaces.Where(i => parts.Length == 1 || i.Network == parts[1]))
                {
                    var key = $"{node.Name}:{nic.Network}";
                    taps[key] = Tap.Start($"{node.Name}-{nic.Name}-{nic.Network}", nic.HostInterface, filter);
                }
            }
        }
        catch
        {
            foreach (var tap in taps.Values)
            {
                tap.Dispose();
            }

            throw;
        }

        return new TapSet(taps, folder);
    }

    /// <summary>Every tap's frames so far, by link <c>node:network</c> (what <see cref="Flow.FlowTracer"/> reads).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CapturedFrame>> Captures =>
        taps.ToDictionary(kv => kv.Key, kv => kv.Value.Frames);

    /// <summary>The frames seen on <c>node:network</c> (or on the node's only link).</summary>
    /// <param name="link">The link.</param>
    /// <returns>The frames.</returns>
    public IReadOnlyList<CapturedFrame> On(string link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (taps.TryGetValue(link, out var tap))
        {
            return tap.Frames;
        }

        var matches = taps.Where(kv => kv.Key.StartsWith(link + ":", StringComparison.Ordinal)).ToList();
        return matches.Count == 1
            ? matches[0].Value.Frames
            : throw new KeyNotFoundException($"no single tap on '{link}' (taps: {string.Join(", ", taps.Keys)})");
    }

    /// <summary>Stops every tap once the links are quiet and writes their pcaps.</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        if (saved)
        {
            return;
        }

        saved = true;
        Pcaps = await Task.WhenAll(taps.Values.Select(t => t.StopAsync(folder)));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var tap in taps.Values)
        {
            tap.Dispose();
        }
    }
}
