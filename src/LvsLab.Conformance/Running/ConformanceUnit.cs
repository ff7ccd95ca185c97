using LvsLab.Conformance.Catalog;
using LvsLab.Lab.Forwarders;

namespace LvsLab.Conformance.Running;

/// <summary>One lab's worth of work: a forwarder, a mode, a lab variant and the cases of that mode and variant (the unit a shard takes).</summary>
/// <param name="Forwarder">The forwarder.</param>
/// <param name="Mode">dr, nat or tun.</param>
/// <param name="Cases">The selected cases of the mode and variant.</param>
/// <param name="Variant">The lab variant (see <see cref="ConformanceCase.Variant"/>); null for the stock lab.</param>
public sealed record ConformanceUnit(ForwarderDescription Forwarder, string Mode, IReadOnlyList<ConformanceCase> Cases, string? Variant = null)
{
    /// <summary>The units of a run: forwarder by forwarder, mode by mode (dr, nat, tun), the stock lab then each variant, only those with selected cases.</summary>
    /// <param name="forwarders">The forwarders.</param>
    /// <param name="cases">The selected cases.</param>
    /// <returns>The units in order.</returns>
    public static IReadOnlyList<ConformanceUnit> Plan(IReadOnlyList<ForwarderDescription> forwarders, IReadOnlyList<ConformanceCase> cases)
    {
        ArgumentNullException.ThrowIfNull(forwarders);
        ArgumentNullException.ThrowIfNull(cases);
        return
        [
            .. forwarders.SelectMany(f => ForwarderCapabilities.Modes.SelectMany(m => cases
                .Where(c => c.Mode == m)
                .GroupBy(c => c.Variant)
                .OrderBy(g => g.Key is null ? 0 : 1)
                .Select(g => new ConformanceUnit(f, m, [.. g], g.Key)))),
        ];
    }

    /// <summary>The units shard <paramref name="index"/> of <paramref name="count"/> takes (1-based; every count-th unit).</summary>
    /// <param name="units">All units.</param>
    /// <param name="index">The shard, 1..count.</param>
    /// <param name="count">How many shards.</param>
    /// <returns>Its units.</returns>
    public static IReadOnlyList<ConformanceUnit> Shard(IReadOnlyList<ConformanceUnit> units, int index, int count)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, count);
        return [.. units.Where((_, i) => i % count == index - 1)];
    }
}
