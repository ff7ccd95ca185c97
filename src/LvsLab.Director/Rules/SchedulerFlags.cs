namespace LvsLab.Director.Rules;

/// <summary>
/// The three scheduler flag bits of an IPVS service (<c>-b</c>, <c>--sched-flags</c>). The
/// schedulers give them names: for <c>sh</c> and <c>mh</c>, <see cref="Flag1"/> is
/// <c>sh-fallback</c> / <c>mh-fallback</c> and <see cref="Flag2"/> is <c>sh-port</c> /
/// <c>mh-port</c>; every scheduler accepts <c>flag-1</c>, <c>flag-2</c> and <c>flag-3</c>.
/// </summary>
[Flags]
public enum SchedulerFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>flag-1</c>; <c>sh-fallback</c> with <c>sh</c>, <c>mh-fallback</c> with <c>mh</c>.</summary>
    Flag1 = 1,

    /// <summary><c>flag-2</c>; <c>sh-port</c> with <c>sh</c>, <c>mh-port</c> with <c>mh</c>.</summary>
    Flag2 = 2,

    /// <summary><c>flag-3</c>.</summary>
    Flag3 = 4,
}
