using System.Buffers.Binary;
using System.Text.Json;
using LvsLab.Lab.Runtime;

namespace LvsLab.Testing.Scenarios;

/// <summary>Reads a running forwarder's counters and builds hand-made headers for bad-input scenarios.</summary>
public static class DirectorStats
{
    /// <summary>The counters of the <c>lvs-director</c> in <paramref name="node"/> (<c>lvs-director stats --json</c>).</summary>
    /// <param name="lab">The running lab.</param>
    /// <param name="node">The director's node.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The JSON document's root.</returns>
    public static async Task<JsonElement> ReadAsync(IRunningLab lab, string node = "director", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var result = (await lab.ExecAsync(node, ["lvs-director", "stats", "--json"], cancellationToken)).EnsureSuccess("lvs-director stats --json");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    /// <summary>The drop count for <paramref name="reason"/> (camelCase, e.g. <c>ttlExpired</c>).</summary>
    /// <param name="stats">Counters from <see cref="ReadAsync"/>.</param>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public static long Drops(JsonElement stats, string reason) => stats.GetProperty("drops").GetProperty(reason).GetInt64();

    /// <summary>The garbage collections the director has made, of every generation.</summary>
    /// <param name="stats">Counters from <see cref="ReadAsync"/>.</param>
    /// <returns>The count.</returns>
    public static long Collections(JsonElement stats)
    {
        var gc = stats.GetProperty("gc");
        return gc.GetProperty("gen0").GetInt64() + gc.GetProperty("gen1").GetInt64() + gc.GetProperty("gen2").GetInt64();
    }

    /// <summary>Writes a fresh IPv4 header checksum into <paramref name="header"/> (RFC 1071), independently of the forwarder's code.</summary>
    /// <param name="header">The IPv4 header (IHL × 4 bytes).</param>
    public static void WriteIpv4HeaderChecksum(Span<byte> header)
    {
        header[10] = 0;
        header[11] = 0;
        uint sum = 0;
        for (var i = 0; i + 1 < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)~sum);
    }
}
