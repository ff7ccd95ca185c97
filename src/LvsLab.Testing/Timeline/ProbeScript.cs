using System.Globalization;

namespace LvsLab.Testing.Timeline;

/// <summary>
/// The shell loop a lab client runs for a timeline: requests to the VIP at a steady rate, each in
/// its own process so that a request that hangs does not hold the next one back, and one line per
/// request as it ends (see <see cref="ProbeOutcome"/>). Times are the client's clock in
/// milliseconds since the epoch: containers share the host's clock, so they line up with events
/// seen on the host.
/// </summary>
public static class ProbeScript
{
    /// <summary>A word every timeline script holds, so that a running one can be found and stopped (<c>pkill -f</c>).</summary>
    public const string Marker = "lvslab-timeline";

    /// <summary>The highest request rate a timeline accepts (each request is a process in the client).</summary>
    public const int MaxRate = 200;

    /// <summary>The longest timeline.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(30);

    /// <summary>The script for HTTP requests with curl (one TCP connection each).</summary>
    /// <param name="url">The URL, e.g. <c>http://VIP:80/</c>.</param>
    /// <param name="rate">Requests per second, 1 to <see cref="MaxRate"/>.</param>
    /// <param name="duration">How long to send.</param>
    /// <param name="timeout">How long one request may take before it counts as failed.</param>
    /// <returns>The script, for <c>sh -c</c>.</returns>
    public static string Http(string url, int rate, TimeSpan duration, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (url.Contains('\'', StringComparison.Ordinal))
        {
            throw new ArgumentException($"URL '{url}' holds a quote", nameof(url));
        }

        return Loop(string.Create(CultureInfo.InvariantCulture, $"curl -s --max-time {Seconds(timeout)} '{url}' 2>/dev/null | head -n 1"), rate, duration);
    }

    /// <summary>The script for UDP datagrams with socat (one socket each; the answer must come from the address itself).</summary>
    /// <param name="address">The destination address.</param>
    /// <param name="port">The destination port.</param>
    /// <param name="rate">Datagrams per second, 1 to <see cref="MaxRate"/>.</param>
    /// <param name="duration">How long to send.</param>
    /// <param name="timeout">How long to wait for each answer.</param>
    /// <returns>The script, for <c>sh -c</c>.</returns>
    public static string Udp(System.Net.IPAddress address, int port, int rate, TimeSpan duration, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNotEqual((int)address.AddressFamily, (int)System.Net.Sockets.AddressFamily.InterNetwork);
        return Loop(string.Create(CultureInfo.InvariantCulture, $"echo ping | socat -t {Seconds(timeout)} - UDP4:{address}:{port} 2>/dev/null | head -n 1"), rate, duration);
    }

    /// <summary>How many requests a timeline of <paramref name="duration"/> at <paramref name="rate"/> sends.</summary>
    /// <param name="rate">Requests per second.</param>
    /// <param name="duration">How long.</param>
    /// <returns>The count (at least one).</returns>
    public static int Count(int rate, TimeSpan duration) => Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));

    private static string Loop(string request, int rate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, MaxRate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxDuration);
        var count = Count(rate, duration);

        // Request i is due at start + i × 1000 / rate ms; the loop sleeps until then, so a late
        // wake-up does not shift the ones after it. Each line: r SEQ SENT_MS DONE_MS ANSWER.
        return string.Create(
            CultureInfo.InvariantCulture,
            $$"""
            : {{Marker}}
            now() { echo $(( $(date +%s%N) / 1000000 )); }
            start=$(now); echo "start $start {{rate}} {{count}}"; i=0
            while [ $i -lt {{count}} ]; do
              d=$(( start + i * 1000 / {{rate}} - $(now) ))
              [ $d -gt 0 ] && sleep $(( d / 1000 )).$(printf %03d $(( d % 1000 )))
              ( s=$(now); r=$({{request}}); e=$(now); echo "r $i $s $e ${r:-FAILED}" ) &
              i=$(( i + 1 ))
            done
            wait
            echo "end $(now)"
            """);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
