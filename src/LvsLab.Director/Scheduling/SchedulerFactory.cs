namespace LvsLab.Director.Scheduling;

/// <summary>Creates schedulers by their ipvsadm name.</summary>
public static class SchedulerFactory
{
    private static readonly string[] SupportedNames = [RoundRobinScheduler.SchedulerName, WeightedRoundRobinScheduler.SchedulerName];

    // IPVS schedulers that exist but are not implemented in this slice.
    private static readonly string[] KnownNames = ["wlc", "lc", "sed", "nq", "sh", "dh", "lblc", "lblcr", "fo", "ovf", "mh", "twos"];

    /// <summary>The names of the implemented schedulers, in order: <c>rr</c>, <c>wrr</c>.</summary>
    public static IReadOnlyList<string> Supported => SupportedNames;

    /// <summary>The supported names as a comma-separated list, for messages.</summary>
    public static string SupportedList => string.Join(", ", SupportedNames);

    /// <summary>True when <paramref name="name"/> is an implemented scheduler.</summary>
    /// <param name="name">An ipvsadm scheduler name.</param>
    /// <returns>True when <see cref="Create"/> accepts it.</returns>
    public static bool IsSupported(string name) => Array.IndexOf(SupportedNames, name) >= 0;

    /// <summary>True when <paramref name="name"/> is an IPVS scheduler that is not implemented yet.</summary>
    /// <param name="name">An ipvsadm scheduler name.</param>
    /// <returns>True for names such as <c>wlc</c>.</returns>
    public static bool IsKnownButUnsupported(string name) => Array.IndexOf(KnownNames, name) >= 0;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="name"><c>rr</c> or <c>wrr</c>.</param>
    /// <returns>A new scheduler (call <see cref="IScheduler.Reset"/> before use).</returns>
    /// <exception cref="ArgumentException">The name is not a supported scheduler.</exception>
    public static IScheduler Create(string name) => name switch
    {
        RoundRobinScheduler.SchedulerName => new RoundRobinScheduler(),
        WeightedRoundRobinScheduler.SchedulerName => new WeightedRoundRobinScheduler(),
        _ => throw new ArgumentException($"unknown scheduler '{name}' (supported: {SupportedList})", nameof(name)),
    };
}
