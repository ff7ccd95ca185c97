namespace LvsLab.Testing.Flow;

/// <summary>Which way a hop carries the traced packet.</summary>
public enum FlowDirection
{
    /// <summary>The request: client towards the service.</summary>
    Request,

    /// <summary>The reply: server towards the client.</summary>
    Reply,
}
