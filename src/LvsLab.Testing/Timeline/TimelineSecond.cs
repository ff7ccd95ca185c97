namespace LvsLab.Testing.Timeline;

/// <summary>One second of a timeline: the requests sent in it, by who answered, and what happened in it.</summary>
/// <param name="Second">Seconds since the timeline's start (0 is the first).</param>
/// <param name="Answers">Requests answered, by real server.</param>
/// <param name="Failed">Requests that failed.</param>
/// <param name="Events">What happened to the lab in this second.</param>
public sealed record TimelineSecond(int Second, IReadOnlyDictionary<string, int> Answers, int Failed, IReadOnlyList<TimelineEvent> Events)
{
    /// <summary>All requests sent in this second.</summary>
    public int Sent => Answers.Values.Sum() + Failed;
}
