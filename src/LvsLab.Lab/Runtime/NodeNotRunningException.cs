namespace LvsLab.Lab.Runtime;

/// <summary>A command was run in a lab node that is not running (stopped, killed, or not started yet).</summary>
public sealed class NodeNotRunningException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NodeNotRunningException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which node of which lab, and how to start it.</param>
    public NodeNotRunningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which node of which lab, and how to start it.</param>
    /// <param name="innerException">The engine's refusal.</param>
    public NodeNotRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The message for <paramref name="node"/> of lab <paramref name="lab"/>.</summary>
    /// <param name="lab">The lab's name.</param>
    /// <param name="node">The node's name.</param>
    /// <returns>The message, with the verb that starts it.</returns>
    public static string Describe(string lab, string node) => $"node '{node}' of lab '{lab}' is not running (lvslab start {node})";
}
