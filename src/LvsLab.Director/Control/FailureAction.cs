namespace LvsLab.Director.Control;

/// <summary>What a failed health check does to a real server, as in keepalived.</summary>
public enum FailureAction
{
    /// <summary>
    /// keepalived's <c>inhibit_on_failure</c>: the server stays listed with weight 0, so its
    /// connections go on and new ones go elsewhere.
    /// </summary>
    Inhibit,

    /// <summary>keepalived's default: the server is deleted from the service until it recovers; its connections end.</summary>
    Remove,
}
