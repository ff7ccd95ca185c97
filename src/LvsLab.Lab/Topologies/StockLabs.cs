using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>The labs <c>lvslab up</c> knows by name.</summary>
public static class StockLabs
{
    /// <summary>The names of the stock labs.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dr", "nat", "tun", "seed"];

    /// <summary>Builds stock lab <paramref name="kind"/>.</summary>
    /// <param name="kind">A name from <see cref="Names"/>.</param>
    /// <param name="labName">The lab's name.</param>
    /// <param name="slot">Its address slot.</param>
    /// <param name="servers">How many real servers.</param>
    /// <returns>The topology.</returns>
    public static LabTopology Create(string kind, string labName, int slot, int servers = 3) => kind switch
    {
        "dr" => DrLab.Create(labName, slot, new DrLabOptions { Servers = servers }),
        "nat" => NatLab.Create(labName, slot, new NatLabOptions { Servers = servers }),
        "tun" => TunLab.Create(labName, slot, new TunLabOptions { Servers = servers }),
        "seed" => SeedLab.Create(labName),
        _ => throw new ArgumentException($"unknown lab '{kind}' (known: {string.Join(", ", Names)})", nameof(kind)),
    };
}
