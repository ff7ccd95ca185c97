namespace LvsLab.Director.Vrrp;

/// <summary>The states of a VRRP virtual router (RFC 5798 §6.4).</summary>
public enum VrrpState
{
    /// <summary>Not running: before <see cref="VrrpRouter.Start"/> and after <see cref="VrrpRouter.Shutdown"/>.</summary>
    Initialize = 0,

    /// <summary>
    /// Watching the master's advertisements, ready to take over when they stop. A backup does
    /// not answer ARP for the virtual addresses and does not forward for them.
    /// </summary>
    Backup,

    /// <summary>Owning the virtual addresses: answering ARP for them, forwarding for them and advertising.</summary>
    Master,
}
