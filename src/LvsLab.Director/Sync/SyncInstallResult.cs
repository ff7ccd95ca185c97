namespace LvsLab.Director.Sync;

/// <summary>What <see cref="DirectorEngine.Install"/> did with a synchronised entry.</summary>
public enum SyncInstallResult
{
    /// <summary>The connection or template is in the table, bound to a real server of the rules.</summary>
    Installed,

    /// <summary>Refused: a connection whose protocol is neither TCP nor UDP.</summary>
    UnsupportedProtocol,

    /// <summary>Refused: a state number the protocol does not have.</summary>
    UnsupportedState,

    /// <summary>Refused: no service of the rules matches the entry's mark, or protocol, VIP and port.</summary>
    UnknownService,

    /// <summary>Refused: the service has no real server with the entry's destination address and port.</summary>
    UnknownRealServer,

    /// <summary>Refused: a persistence template for a service that is not persistent.</summary>
    NotPersistent,
}
