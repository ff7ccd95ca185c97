namespace LvsLab.Lab.Runtime;

/// <summary>A node of a lab stopped or started, as the container engine reports it.</summary>
/// <param name="At">When.</param>
/// <param name="Node">The node's name.</param>
/// <param name="What"><c>stopped</c> (its main process ended: a stop, a kill, a crash) or <c>started</c>.</param>
public sealed record NodeEvent(DateTimeOffset At, string Node, string What);
