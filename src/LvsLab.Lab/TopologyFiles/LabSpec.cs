namespace LvsLab.Lab.TopologyFiles;

/// <summary>A whole topology file as written, real servers expanded, addresses not yet resolved.</summary>
internal sealed record LabSpec
{
    /// <summary>The lab's name (the override, else the file's).</summary>
    public required string Name { get; init; }

    /// <summary>The line of <c>name</c>.</summary>
    public required int NameLine { get; init; }

    /// <summary>The mode.</summary>
    public required string Mode { get; init; }

    /// <summary>The VIP's address reference; null when already reported missing.</summary>
    public required YamlTreeScalar? Vip { get; init; }

    /// <summary>The service port.</summary>
    public required int Port { get; init; }

    /// <summary>Whether the lab is dual-stack (<c>ipv6: true</c>, or the loader's override).</summary>
    public bool Ipv6 { get; init; }

    /// <summary>The director's health checks (<c>health:</c>); null: none set in the file.</summary>
    public LvsLab.Lab.Model.HealthCheck? Health { get; init; }

    /// <summary>How many directors: 1, or 2 for a VRRP pair (<c>directors:</c>).</summary>
    public int Directors { get; init; } = 1;

    /// <summary>The line of <c>directors</c>.</summary>
    public int DirectorsLine { get; init; } = 1;

    /// <summary>The networks, in order.</summary>
    public required IReadOnlyList<NetworkSpec> Networks { get; init; }

    /// <summary>The nodes, in order (generated real servers last).</summary>
    public required IReadOnlyList<NodeSpec> Nodes { get; init; }
}
