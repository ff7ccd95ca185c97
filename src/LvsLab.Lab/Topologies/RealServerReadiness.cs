using LvsLab.Lab.Model;

namespace LvsLab.Lab.Topologies;

/// <summary>When a lab real server is ready: its TCP (80, 8080, 9000) and UDP (5353) services listen.</summary>
public static class RealServerReadiness
{
    /// <summary>The listening checks, as one shell condition.</summary>
    public const string ServicesListen =
        "ss -Hltn 'sport = :80' | grep -q . && ss -Hltn 'sport = :8080' | grep -q . && ss -Hltn 'sport = :9000' | grep -q . && ss -Hlnu 'sport = :5353' | grep -q .";

    /// <summary>The readiness command of a plain real server.</summary>
    public static CommandReadiness Command { get; } = NodeReadiness.Command("sh", "-c", ServicesListen);

    /// <summary>The readiness command of a real server that must also decapsulate (TUN).</summary>
    /// <param name="pathFile">The file the tunnel set-up writes once it runs.</param>
    /// <returns>The command.</returns>
    public static CommandReadiness WithTunnel(string pathFile) => NodeReadiness.Command("sh", "-c", $"test -s {pathFile} && {ServicesListen}");
}
