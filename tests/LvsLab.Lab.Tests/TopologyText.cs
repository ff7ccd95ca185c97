using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Tests;

/// <summary>A canonical text of a whole topology, every field of every node included, for deep comparison.</summary>
public static class TopologyText
{
    /// <summary>The properties of <see cref="LabNode"/> that <see cref="Of"/> writes; a new one must be added there.</summary>
    public static IReadOnlyList<string> NodeFields { get; } =
        ["Name", "Role", "Image", "Interfaces", "LoopbackAddresses", "Routes", "Sysctls", "Capabilities", "CpuShares", "Environment", "Commands", "Devices", "Readiness", "Files"];

    /// <summary>The settable properties of <see cref="LabTopology"/> that <see cref="Of"/> writes.</summary>
    public static IReadOnlyList<string> TopologyFields { get; } = ["Name", "Mode", "Vip", "Vip6", "Port", "Networks", "Nodes", "FloatingAddresses"];

    /// <summary>The settable properties of <see cref="LabNetwork"/> that <see cref="Of"/> writes.</summary>
    public static IReadOnlyList<string> NetworkFields { get; } = ["Name", "Subnet", "Subnet6"];

    /// <summary>The settable properties of <see cref="NodeInterface"/> that <see cref="Of"/> writes.</summary>
    public static IReadOnlyList<string> InterfaceFields { get; } = ["Network", "Address", "Address6"];

    // IPv6 fields are written only when set, so an IPv4-only lab's text is what it always was.
    public static string Of(LabTopology lab)
    {
        var text = new StringBuilder();
        text.AppendLine($"name {lab.Name}");
        text.AppendLine($"mode {lab.Mode}");
        text.AppendLine($"vip {lab.Vip}");
        if (lab.Vip6 is not null)
        {
            text.AppendLine($"vip6 {lab.Vip6}");
        }

        text.AppendLine($"port {lab.Port}");
        foreach (var address in lab.FloatingAddresses)
        {
            text.AppendLine($"floating {address}");
        }

        foreach (var network in lab.Networks)
        {
            text.AppendLine(network.Subnet6 is { } subnet6 ? $"network {network.Name} {network.Subnet} {subnet6}" : $"network {network.Name} {network.Subnet}");
        }

        foreach (var node in lab.Nodes)
        {
            text.AppendLine($"node {node.Name}");
            text.AppendLine($"  role {node.Role}");
            text.AppendLine($"  image {node.Image}");
            foreach (var nic in node.Interfaces)
            {
                text.AppendLine(nic.Address6 is { } address6 ? $"  interface {nic.Network} {nic.Address} {address6}" : $"  interface {nic.Network} {nic.Address}");
            }

            foreach (var address in node.LoopbackAddresses)
            {
                text.AppendLine($"  loopback {address}");
            }

            foreach (var route in node.Routes)
            {
                text.AppendLine($"  route {route.Destination} via {route.Via}");
            }

            foreach (var (key, value) in node.Sysctls)
            {
                text.AppendLine($"  sysctl {key}={value}");
            }

            text.AppendLine($"  capabilities [{string.Join(", ", node.Capabilities)}]");
            text.AppendLine($"  cpu-shares {node.CpuShares}");
            foreach (var (key, value) in node.Environment)
            {
                text.AppendLine($"  env {key}={Quote(value)}");
            }

            foreach (var command in node.Commands)
            {
                text.AppendLine($"  command {Quote(command)}");
            }

            foreach (var device in node.Devices)
            {
                text.AppendLine($"  device {device}");
            }

            text.AppendLine($"  readiness {node.Readiness switch
            {
                null => "none",
                CommandReadiness command => $"command [{string.Join(", ", command.Arguments.Select(Quote))}]",
                LogLineReadiness log => $"log {Quote(log.Pattern)}",
                FileReadiness file => $"file {Quote(file.Path)}",
                _ => node.Readiness.Describe(),
            }}");
            foreach (var (path, content) in node.Files)
            {
                text.AppendLine($"  file {path} {Quote(content)}");
            }
        }

        return text.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
