using LvsLab.Lab.Model;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>A node as written (a generated real server shares its group's values).</summary>
internal sealed record NodeSpec
{
    /// <summary>The node's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its path: <c>nodes.NAME</c>, or <c>realServers</c> for a generated server.</summary>
    public required string Field { get; init; }

    /// <summary>The line of its name (or of <c>realServers</c>).</summary>
    public required int Line { get; init; }

    /// <summary>Its role.</summary>
    public required NodeRole Role { get; init; }

    /// <summary>Its image.</summary>
    public required string Image { get; init; }

    /// <summary>Its interfaces, in order.</summary>
    public required IReadOnlyList<InterfaceSpec> Interfaces { get; init; }

    /// <summary>
    /// Whether the node itself or its interfaces were already reported broken: what refers to
    /// its addresses then fails silently.
    /// </summary>
    public bool Broken { get; init; }

    /// <summary>Its routes.</summary>
    public IReadOnlyList<RouteSpec> Routes { get; init; } = [];

    /// <summary>Address references for <c>lo</c>.</summary>
    public IReadOnlyList<SpecValue> Loopback { get; init; } = [];

    /// <summary>Kernel settings.</summary>
    public IReadOnlyList<SpecValue> Sysctls { get; init; } = [];

    /// <summary>Capabilities; null: the model's default.</summary>
    public IReadOnlyList<SpecValue>? Capabilities { get; init; }

    /// <summary>Environment variables (values with placeholders).</summary>
    public IReadOnlyList<SpecValue> Environment { get; init; } = [];

    /// <summary>Shell commands (with placeholders).</summary>
    public IReadOnlyList<SpecValue> Commands { get; init; } = [];

    /// <summary>Host devices.</summary>
    public IReadOnlyList<SpecValue> Devices { get; init; } = [];

    /// <summary>The readiness command's words (with placeholders).</summary>
    public IReadOnlyList<SpecValue> Readiness { get; init; } = [];

    /// <summary>Files: path → text (with placeholders and <c>* </c> lines).</summary>
    public IReadOnlyList<SpecValue> Files { get; init; } = [];
}
