using System.Text.RegularExpressions;

namespace LvsLab.Conformance.Catalog;

/// <summary>Every conformance case, in a stable order: DR, NAT, TUN.</summary>
public static class ConformanceCatalog
{
    /// <summary>The cases.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } = [.. DrCases.All, .. NatCases.All, .. TunCases.All];

    /// <summary>The cases whose ID matches <paramref name="pattern"/> (<c>*</c> any text, <c>,</c> separates alternatives; case-insensitive), in catalogue order.</summary>
    /// <param name="pattern">E.g. <c>DR-*</c>, <c>NAT-FWD-1,NAT-RET-1</c>, or null for all.</param>
    /// <returns>The cases.</returns>
    /// <exception cref="ArgumentException">No case matches.</exception>
    public static IReadOnlyList<ConformanceCase> Select(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return All;
        }

        var regexes = pattern.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            .ToList();
        var chosen = All.Where(c => regexes.Any(r => r.IsMatch(c.Id))).ToList();
        return chosen.Count > 0
            ? chosen
            : throw new ArgumentException($"no case matches '{pattern}' (cases: {string.Join(", ", All.Select(c => c.Id))})", nameof(pattern));
    }
}
