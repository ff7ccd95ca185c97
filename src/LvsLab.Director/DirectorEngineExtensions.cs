namespace LvsLab.Director;

/// <summary>
/// The single-interface form of <see cref="DirectorEngine.Process"/>, for a director with one
/// interface. An extension rather than an overload so that <c>cref="DirectorEngine.Process"/</c>
/// stays unambiguous for callers' documentation.
/// </summary>
public static class DirectorEngineExtensions
{
    /// <summary>
    /// Decides what to do with one frame received on interface 0; the same as
    /// <see cref="DirectorEngine.Process"/> with interface 0.
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="frame">The received Ethernet frame (without FCS).</param>
    /// <param name="output">A caller-owned buffer of at least <c>frame.Length + 64</c> bytes.</param>
    /// <param name="nowMilliseconds">The current time, for connection expiry and ARP rate limits.</param>
    /// <returns>The decision; when it <see cref="Decision.Sends"/>, send the first Length bytes of <paramref name="output"/> on <see cref="Decision.Interface"/>.</returns>
    /// <exception cref="ArgumentNullException">No engine.</exception>
    public static Decision Process(this DirectorEngine engine, ReadOnlySpan<byte> frame, Span<byte> output, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Process(0, frame, output, nowMilliseconds);
    }
}
