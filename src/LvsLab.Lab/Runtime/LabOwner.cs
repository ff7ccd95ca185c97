namespace LvsLab.Lab.Runtime;

/// <summary>
/// Who owns a running lab, stamped on every container and network as a label. A lab owned by
/// a process is swept once that process is gone (a killed test run); a kept lab (made by
/// <c>lvslab up</c>) stays until <c>lvslab down</c>.
/// </summary>
/// <param name="Value">The label value: <c>kept</c>, or <c>pid:PID:STARTTICKS</c>.</param>
public sealed record LabOwner(string Value)
{
    /// <summary>A lab that stays until taken down by name.</summary>
    public static LabOwner Kept { get; } = new("kept");

    /// <summary>A lab owned by the current process.</summary>
    /// <returns>The owner.</returns>
    public static LabOwner CurrentProcess() => ForProcess(Environment.ProcessId);

    /// <summary>A lab owned by process <paramref name="pid"/>.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The owner.</returns>
    public static LabOwner ForProcess(int pid) => new($"pid:{pid}:{ProcessStartTicks(pid)}");

    /// <summary>Whether the owner is a process that no longer runs.</summary>
    public bool IsOrphaned
    {
        get
        {
            var parts = Value.Split(':');
            if (parts.Length != 3 || parts[0] != "pid" || !int.TryParse(parts[1], out var pid))
            {
                return false;
            }

            // A recycled pid has another start time: the owner is still gone.
            return ProcessStartTicks(pid) is not { } ticks || ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) != parts[2];
        }
    }

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat).</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The start time, or null when no such process runs.</returns>
    public static long? ProcessStartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces; fields after its closing ')' are plain.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(rest[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
