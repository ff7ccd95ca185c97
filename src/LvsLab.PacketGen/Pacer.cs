namespace LvsLab.PacketGen;

/// <summary>
/// How many datagrams are due: the sender keeps to <c>rate × elapsed</c> (a token bucket with
/// no burst allowance beyond one batch), so a late start is caught up in batches and never
/// runs ahead. Pure arithmetic over the elapsed time it is given.
/// </summary>
internal readonly struct Pacer
{
    private readonly long rate;
    private readonly long total;

    /// <summary>Paces <paramref name="total"/> datagrams at <paramref name="rate"/> per second.</summary>
    public Pacer(long rate, long total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        this.rate = rate;
        this.total = total;
    }

    /// <summary>Datagrams due by <paramref name="elapsedSeconds"/> that are not sent yet, at most <paramref name="batch"/>.</summary>
    public int Due(double elapsedSeconds, long sent, int batch)
    {
        var target = Math.Min(total, (long)(elapsedSeconds * rate) + 1);
        return (int)Math.Clamp(target - sent, 0, batch);
    }

    /// <summary>Seconds from start when datagram number <paramref name="sent"/> is due.</summary>
    public double DueAt(long sent) => (double)sent / rate;
}
