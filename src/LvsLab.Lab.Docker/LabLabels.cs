namespace LvsLab.Lab.Docker;

/// <summary>The labels on every container, network and image the lab makes; sweeps select by them.</summary>
public static class LabLabels
{
    /// <summary>Present on everything LvsLab made (value <c>true</c>).</summary>
    public const string Marker = "lvslab";

    /// <summary>The lab's name.</summary>
    public const string Lab = "lvslab.lab";

    /// <summary>Who owns the lab (see <see cref="LvsLab.Lab.Runtime.LabOwner"/>).</summary>
    public const string Owner = "lvslab.owner";

    /// <summary>The node's name (containers).</summary>
    public const string Node = "lvslab.node";

    /// <summary>The node's role (containers).</summary>
    public const string Role = "lvslab.role";

    /// <summary>The lab's mode (containers).</summary>
    public const string Mode = "lvslab.mode";

    /// <summary>The lab's VIP (containers).</summary>
    public const string Vip = "lvslab.vip";

    /// <summary>The lab's IPv6 VIP, in a dual-stack lab (containers).</summary>
    public const string Vip6 = "lvslab.vip6";

    /// <summary>The lab's service port (containers).</summary>
    public const string Port = "lvslab.port";

    /// <summary>The lab network's short name (networks).</summary>
    public const string Network = "lvslab.network";

    /// <summary>The node's interface order, e.g. <c>front,lan</c> (containers).</summary>
    public const string Interfaces = "lvslab.interfaces";

    /// <summary>Which lab image an image is (images).</summary>
    public const string Image = "lvslab.image";

    /// <summary>What a lab image was built from: <c>repository</c> or <c>package</c> (images; see <see cref="Images.ImageSource.Kind"/>).</summary>
    public const string ImageSource = "lvslab.image-source";
}
