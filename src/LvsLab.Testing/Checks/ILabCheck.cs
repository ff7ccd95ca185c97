using LvsLab.Lab.Runtime;

namespace LvsLab.Testing.Checks;

/// <summary>
/// A named scenario check that runs against any running lab of the modes it applies to (the
/// suite's scenarios and <c>lvslab run</c> use the same checks), with real traffic and captures
/// taken independently of the forwarder.
/// </summary>
public interface ILabCheck
{
    /// <summary>The name <c>lvslab run</c> knows it by, e.g. <c>arp-vip</c>.</summary>
    string Name { get; }

    /// <summary>What it shows, in a sentence.</summary>
    string Description { get; }

    /// <summary>The lab modes it applies to (dr, nat, tun); empty for every mode.</summary>
    IReadOnlyList<string> Modes { get; }

    /// <summary>Runs the check.</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="artifacts">Where captures go.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The result with its evidence.</returns>
    Task<CheckResult> RunAsync(IRunningLab lab, string artifacts, CancellationToken cancellationToken = default);
}
