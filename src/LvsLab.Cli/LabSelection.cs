using LvsLab.Lab.Docker;
using LvsLab.Lab.Runtime;

namespace LvsLab.Cli;

/// <summary>Which running lab a verb works on: the one named, or the only one running.</summary>
internal static class LabSelection
{
    /// <summary>Attaches to the lab named <paramref name="name"/>, or to the only lab running when it is null.</summary>
    /// <exception cref="LabConfigurationException">No such lab, none running, or several and no name.</exception>
    public static async Task<IRunningLab> AttachAsync(DockerLabRuntime runtime, string? name, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            var labs = await runtime.ListAsync(cancellationToken);
            name = labs.Count switch
            {
                0 => throw new LabConfigurationException("no lab is running (lvslab up dr starts one)"),
                1 => labs[0].Name,
                _ => throw new LabConfigurationException($"several labs are running ({string.Join(", ", labs.Select(l => l.Name))}): say which with --name"),
            };
        }

        return await runtime.AttachAsync(name, cancellationToken);
    }

    /// <summary>
    /// The lab's node with a role, e.g. its client or director: the first that runs (of a
    /// director pair, the one still up when the other is stopped), else the first.
    /// </summary>
    /// <exception cref="LabConfigurationException">The lab has none.</exception>
    public static RunningNode NodeWith(IRunningLab lab, Lab.Model.NodeRole role) =>
        lab.Nodes.FirstOrDefault(n => n.Role == role && n.IsRunning)
        ?? lab.Nodes.FirstOrDefault(n => n.Role == role)
        ?? throw new LabConfigurationException($"lab '{lab.Topology.Name}' has no {role.ToString().ToLowerInvariant()} node");
}
