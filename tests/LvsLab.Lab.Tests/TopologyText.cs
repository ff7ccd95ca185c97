using System.Text;
using LvsLab.Lab.Model;

namespace LvsLab.Lab.Tests;

/// <summary>A canonical text of a whole topology, every field of every node included, for deep comparison.</summary>
public static class TopologyText
{
    /// <summary>The properties of <see cref="LabNode"/> that <see cref="Of"/> writes; a new one must be added there.</summary>
    public static IReadOnlyList<string> NodeFields { get; } =
        ["Name", "Role", "Image", "Interfaces", "LoopbackAddresses", "Routes", "Sysctls", "Capabilities", "CpuShares", "Environment", "Commands", "Devices", "Readiness", "Files"];

    public static string Of(LabTopology lab)
    {
        var text = new StringBuilder();
        text.AppendLine($"name {lab.Name}");
        text.AppendLine($"mode {lab.Mode}");
        text.AppendLine($"vip {lab.Vip}");
        text.AppendLine($"port {lab.Port}");
        foreach (var network in lab.Networks)
        {
            text.AppendLine($"network {network.Name} {network.Subnet}");
        }

        foreach (var node in lab.Nodes)
        {
            text.AppendLine($"node {node.Name}");
            text.AppendLine($"  role {node.Role}");
            text.AppendLine($"  image {node.Image}");
            foreach (var nic in node.Interfaces)
            {
                text.AppendLine($"  interface {nic.Network} {nic.Address}");
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
