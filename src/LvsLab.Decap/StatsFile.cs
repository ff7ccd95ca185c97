using System.Text;
using System.Text.Json;

namespace LvsLab.Decap;

/// <summary>The counters as a small JSON document, written atomically (temporary file, then rename).</summary>
/// <remarks>
/// <code>
/// {
///   "tun": "tun0",
///   "received": 3,
///   "delivered": 1,
///   "dropped": {
///     "total": 2,
///     "outerInvalid": 0, "outerNotIpInIp": 0, "outerFragment": 0, "innerTruncated": 1,
///     "innerInvalid": 0, "innerBadChecksum": 1, "writeFailed": 0
///   }
/// }
/// </code>
/// </remarks>
internal static class StatsFile
{
    /// <summary>The JSON document for a snapshot.</summary>
    /// <param name="tunName">The TUN device's name.</param>
    /// <param name="snapshot">The counters.</param>
    /// <returns>The document, indented, ending with a newline.</returns>
    public static string Format(string tunName, DecapSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("tun", tunName);
            json.WriteNumber("received", snapshot.Received);
            json.WriteNumber("delivered", snapshot.Delivered);
            json.WriteStartObject("dropped");
            json.WriteNumber("total", snapshot.TotalDropped);
            foreach (var reason in Decapsulator.DropReasons)
            {
                json.WriteNumber(JsonName(reason), snapshot.GetDropped(reason));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>The JSON key of a drop reason (camel case of its name).</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The key.</returns>
    public static string JsonName(DecapResult reason) => JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> so that a reader sees the old
    /// file or the new one, never a partial one: a temporary file in the same directory, then a
    /// rename over the target.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="content">The text.</param>
    public static void WriteAtomically(string path, string content)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(
            Path.GetDirectoryName(full) ?? ".",
            $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temporary, content);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
