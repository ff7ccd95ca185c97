namespace LvsLab.Director.Vrrp;

/// <summary>
/// The timer arithmetic of VRRP version 3 (RFC 5798 §6.1), in milliseconds from intervals in
/// centiseconds.
/// </summary>
/// <remarks>
/// The RFC defines Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256 and
/// Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time, both in centiseconds. They
/// are computed here in milliseconds and rounded down once, at the end: priority 100 and an
/// interval of 100 cs give a skew of 609 ms (609.375) and a master down interval of 3,609 ms.
/// keepalived does the same arithmetic in microseconds (609,375 µs); a whole-centisecond
/// reading would give 600 ms. Rounding down keeps the order: a higher priority never gets a
/// longer skew.
/// </remarks>
public static class VrrpTimers
{
    /// <summary>How many milliseconds a centisecond is.</summary>
    public const int MillisecondsPerCentisecond = 10;

    /// <summary>Skew_Time: how much later than the master down interval a router of <paramref name="priority"/> takes over.</summary>
    /// <param name="priority">The local priority, 1 to 255.</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval in centiseconds.</param>
    /// <returns>The skew in milliseconds.</returns>
    public static long SkewTime(byte priority, int masterAdvertisementInterval) =>
        (256L - priority) * masterAdvertisementInterval * MillisecondsPerCentisecond / 256;

    /// <summary>Master_Down_Interval: how long a backup waits without advertisements before it takes over.</summary>
    /// <param name="priority">The local priority, 1 to 255.</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval in centiseconds.</param>
    /// <returns>3 × the interval + the skew, in milliseconds.</returns>
    public static long MasterDownInterval(byte priority, int masterAdvertisementInterval) =>
        (3L * masterAdvertisementInterval * MillisecondsPerCentisecond) + SkewTime(priority, masterAdvertisementInterval);
}
