using System.Globalization;
using LvsLab.Testing.Scenarios;

namespace LvsLab.Testing.Timeline;

/// <summary>One request of a timeline: when it was sent, when it ended, and which real server answered.</summary>
/// <param name="Sequence">Its number, from 0.</param>
/// <param name="SentMs">When it was sent, ms since the epoch.</param>
/// <param name="DoneMs">When it ended (answer or timeout), ms since the epoch.</param>
/// <param name="Server">The real server that answered; null: it failed.</param>
public sealed record ProbeOutcome(int Sequence, long SentMs, long DoneMs, string? Server)
{
    /// <summary>Whether it failed (no answer, or an answer that names no real server).</summary>
    public bool Failed => Server is null;

    /// <summary>Parses a line of <see cref="ProbeScript"/>'s output: <c>r SEQ SENT_MS DONE_MS ANSWER</c>.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The outcome; null when the line is not a request's.</returns>
    public static ProbeOutcome? TryParse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = line.Split(' ', 5);
        if (words.Length != 5 || words[0] != "r"
            || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || !long.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sent)
            || !long.TryParse(words[3], NumberStyles.None, CultureInfo.InvariantCulture, out var done))
        {
            return null;
        }

        return new ProbeOutcome(sequence, sent, done, ServerReply.TryParse(words[4])?.Server);
    }
}
