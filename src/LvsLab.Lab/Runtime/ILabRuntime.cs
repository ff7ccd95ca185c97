using LvsLab.Lab.Model;

namespace LvsLab.Lab.Runtime;

/// <summary>Realises topologies (the boundary between the lab model and Docker).</summary>
public interface ILabRuntime
{
    /// <summary>Brings a lab up: networks, then nodes in parallel, then their addresses and routes.</summary>
    /// <param name="topology">What to build; it must validate.</param>
    /// <param name="owner">Who owns it (decides when a sweep may remove it).</param>
    /// <param name="progress">Receives progress lines; may be null.</param>
    /// <param name="cancellationToken">Cancels; whatever was made is removed.</param>
    /// <returns>The running lab.</returns>
    Task<IRunningLab> UpAsync(LabTopology topology, LabOwner owner, IProgress<string>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Removes every container and network of lab <paramref name="labName"/>, from labels alone.</summary>
    /// <param name="labName">The lab's name.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>How many containers and networks were removed.</returns>
    Task<int> DownAsync(string labName, CancellationToken cancellationToken = default);

    /// <summary>Removes what labs whose owner process is gone left behind.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The names of the labs swept.</returns>
    Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the labs that exist, from labels alone.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The labs.</returns>
    Task<IReadOnlyList<LabStatus>> ListAsync(CancellationToken cancellationToken = default);
}
