namespace LvsLab.Lab.Runtime;

/// <summary>A lab as Docker's labels describe it (what <c>lvslab status --json</c> prints).</summary>
/// <param name="Name">The lab's name.</param>
/// <param name="Mode">The forwarding method it shows.</param>
/// <param name="Vip">The virtual IP.</param>
/// <param name="Port">The virtual service's port.</param>
/// <param name="Owner">Who owns it.</param>
/// <param name="Nodes">Its nodes.</param>
public sealed record LabStatus(string Name, string Mode, string Vip, int Port, string Owner, IReadOnlyList<NodeStatus> Nodes)
{
    /// <summary>The IPv6 virtual IP of a dual-stack lab; null in an IPv4-only one.</summary>
    public string? Vip6 { get; init; }
}

/// <summary>A node as Docker reports it.</summary>
/// <param name="Name">The node's name.</param>
/// <param name="Role">Its role, lower-case (<c>client</c>, <c>router</c>, <c>director</c>, <c>realserver</c>).</param>
/// <param name="Container">The container's name.</param>
/// <param name="State">The container's state (<c>running</c>, <c>exited</c>, …).</param>
/// <param name="Ips">Its interface addresses.</param>
public sealed record NodeStatus(string Name, string Role, string Container, string State, IReadOnlyList<string> Ips);
