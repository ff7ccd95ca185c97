namespace LvsLab.Lab.TopologyFiles;

/// <summary>Collects the problems found in one topology file (each once).</summary>
/// <param name="file">The file's name as the user gave it.</param>
internal sealed class FileProblems(string file)
{
    private readonly List<TopologyFileError> errors = [];

    /// <summary>Whether any problem was found.</summary>
    public bool Any => errors.Count > 0;

    /// <summary>How many problems were found so far.</summary>
    public int Count => errors.Count;

    /// <summary>Records a problem (a repeat of one already recorded is dropped).</summary>
    /// <param name="line">The line.</param>
    /// <param name="field">The field's path.</param>
    /// <param name="reason">What is wrong.</param>
    public void Add(int line, string field, string reason)
    {
        var error = new TopologyFileError(file, line, field, reason);
        if (!errors.Contains(error))
        {
            errors.Add(error);
        }
    }

    /// <summary>The exception that reports every problem, in the order of the file.</summary>
    /// <returns>The exception.</returns>
    public TopologyFileException ToException() => new(errors.OrderBy(e => e.Line).ToList());
}
