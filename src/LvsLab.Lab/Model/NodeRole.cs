namespace LvsLab.Lab.Model;

/// <summary>The part a node plays in an LVS lab, in the seed's vocabulary.</summary>
public enum NodeRole
{
    /// <summary>Sends requests to the VIP; its address is the CIP.</summary>
    Client,

    /// <summary>Forwards between lab networks (each hop rewrites MACs, keeps IPs).</summary>
    Router,

    /// <summary>The load balancer under test; holds the VIP and the DIP.</summary>
    Director,

    /// <summary>Serves the VIP's traffic; its address is a RIP.</summary>
    RealServer,
}
