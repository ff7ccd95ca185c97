namespace LvsLab.Testing.Timeline;

/// <summary>Something that happened to the lab during a timeline: a node stopped or started, a real server's health changed.</summary>
/// <param name="AtMs">When, ms since the epoch.</param>
/// <param name="Node">The node it happened to.</param>
/// <param name="What">What happened, e.g. <c>stopped</c>, <c>started</c>, <c>health down</c>.</param>
public sealed record TimelineEvent(long AtMs, string Node, string What)
{
    /// <summary>The event as a person reads it: <c>rs1 stopped</c>.</summary>
    public string Label => $"{Node} {What}";
}
