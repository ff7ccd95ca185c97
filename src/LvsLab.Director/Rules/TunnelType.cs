namespace LvsLab.Director.Rules;

/// <summary>The encapsulation of a tunnelled (<c>-i</c>) real server (<c>--tun-type</c>).</summary>
public enum TunnelType
{
    /// <summary>IP-in-IP (<c>--tun-type ipip</c>), ipvsadm's default and the only type supported.</summary>
    IpIp,
}
