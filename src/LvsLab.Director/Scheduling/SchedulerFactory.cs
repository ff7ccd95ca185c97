namespace LvsLab.Director.Scheduling;

/// <summary>Creates schedulers by their ipvsadm name.</summary>
public static class SchedulerFactory
{
    /// <summary>ipvsadm's scheduler when an <c>-A</c> line has no <c>-s</c>: <c>wlc</c>.</summary>
    public const string DefaultName = WeightedLeastConnectionScheduler.SchedulerName;

    private static readonly string[] SupportedNames =
    [
        RoundRobinScheduler.SchedulerName,
        WeightedRoundRobinScheduler.SchedulerName,
        LeastConnectionScheduler.SchedulerName,
        WeightedLeastConnectionScheduler.SchedulerName,
        ShortestExpectedDelayScheduler.SchedulerName,
        NeverQueueScheduler.SchedulerName,
        SourceHashingScheduler.SchedulerName,
        DestinationHashingScheduler.SchedulerName,
        MaglevHashingScheduler.SchedulerName,
    ];

    // IPVS schedulers that exist but are not implemented.
    private static readonly string[] KnownNames = ["lblc", "lblcr", "fo", "ovf", "twos"];

    /// <summary>
    /// The names of the implemented schedulers, in order: <c>rr</c>, <c>wrr</c>, <c>lc</c>,
    /// <c>wlc</c>, <c>sed</c>, <c>nq</c>, <c>sh</c>, <c>dh</c>, <c>mh</c>.
    /// </summary>
    public static IReadOnlyList<string> Supported => SupportedNames;

    /// <summary>The supported names as a comma-separated list, for messages.</summary>
    public static string SupportedList => string.Join(", ", SupportedNames);

    /// <summary>True when <paramref name="name"/> is an implemented scheduler.</summary>
    /// <param name="name">An ipvsadm scheduler name.</param>
    /// <returns>True when <see cref="Create"/> accepts it.</returns>
    public static bool IsSupported(string name) => Array.IndexOf(SupportedNames, name) >= 0;

    /// <summary>True when <paramref name="name"/> is an IPVS scheduler that is not implemented yet.</summary>
    /// <param name="name">An ipvsadm scheduler name.</param>
    /// <returns>True for names such as <c>lblc</c>.</returns>
    public static bool IsKnownButUnsupported(string name) => Array.IndexOf(KnownNames, name) >= 0;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="name">One of <see cref="Supported"/>.</param>
    /// <returns>A new scheduler with its default flags (call <see cref="IScheduler.Reset"/> before use).</returns>
    /// <exception cref="ArgumentException">The name is not a supported scheduler.</exception>
    public static IScheduler Create(string name) => name switch
    {
        RoundRobinScheduler.SchedulerName => new RoundRobinScheduler(),
        WeightedRoundRobinScheduler.SchedulerName => new WeightedRoundRobinScheduler(),
        LeastConnectionScheduler.SchedulerName => new LeastConnectionScheduler(),
        WeightedLeastConnectionScheduler.SchedulerName => new WeightedLeastConnectionScheduler(),
        ShortestExpectedDelayScheduler.SchedulerName => new ShortestExpectedDelayScheduler(),
        NeverQueueScheduler.SchedulerName => new NeverQueueScheduler(),
        SourceHashingScheduler.SchedulerName => new SourceHashingScheduler(),
        DestinationHashingScheduler.SchedulerName => new DestinationHashingScheduler(),
        MaglevHashingScheduler.SchedulerName => new MaglevHashingScheduler(),
        _ => throw new ArgumentException($"unknown scheduler '{name}' (supported: {SupportedList})", nameof(name)),
    };
}
