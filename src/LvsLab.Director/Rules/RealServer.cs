using LvsLab.Packets;

namespace LvsLab.Director.Rules;

/// <summary>A real server of a virtual service (one <c>-a</c> line).</summary>
public sealed record RealServer
{
    /// <summary>The highest weight ipvsadm accepts.</summary>
    public const int MaxWeight = 65535;

    /// <summary>The highest connection threshold ipvsadm accepts (<c>-x</c>, <c>-y</c>).</summary>
    public const int MaxThreshold = int.MaxValue;

    private readonly int _upperThreshold;
    private readonly int _lowerThreshold;
    private readonly TunnelType? _tunnelType;

    /// <summary>Creates a real server.</summary>
    /// <param name="address">The real server's IP (RIP).</param>
    /// <param name="port">The real server's port.</param>
    /// <param name="forwardingMethod">How packets reach it.</param>
    /// <param name="weight">0 to 65535; 0 means it takes no new connections.</param>
    /// <exception cref="ArgumentOutOfRangeException">The weight is outside 0..65535.</exception>
    public RealServer(IpAddress address, ushort port, ForwardingMethod forwardingMethod, int weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, MaxWeight);
        Address = address;
        Port = port;
        ForwardingMethod = forwardingMethod;
        Weight = weight;
        _tunnelType = forwardingMethod == ForwardingMethod.Tunnel ? Rules.TunnelType.IpIp : null;
    }

    /// <summary>The real server's IP (RIP), IPv4 or IPv6.</summary>
    public IpAddress Address { get; }

    /// <summary>The real server's port.</summary>
    public ushort Port { get; }

    /// <summary>How packets reach it.</summary>
    public ForwardingMethod ForwardingMethod { get; }

    /// <summary>Scheduling weight, 0 to 65535.</summary>
    public int Weight { get; }

    /// <summary>
    /// Upper connection threshold (<c>-x</c>, <c>--u-threshold</c>): above it the server takes no
    /// new connections. 0 (the default) means no limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int UpperThreshold
    {
        get => _upperThreshold;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _upperThreshold = value;
        }
    }

    /// <summary>
    /// Lower connection threshold (<c>-y</c>, <c>--l-threshold</c>): below it an overloaded server
    /// takes new connections again. 0 (the default) means unset.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int LowerThreshold
    {
        get => _lowerThreshold;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _lowerThreshold = value;
        }
    }

    /// <summary>
    /// The encapsulation of a tunnelled server: <see cref="Rules.TunnelType.IpIp"/> (the default)
    /// for <see cref="ForwardingMethod.Tunnel"/>, null for every other method.
    /// </summary>
    /// <exception cref="ArgumentException">Set for a server that is not tunnelled, or null for one that is.</exception>
    public TunnelType? TunnelType
    {
        get => _tunnelType;
        init
        {
            if ((value is null) != (ForwardingMethod != ForwardingMethod.Tunnel))
            {
                throw new ArgumentException("a tunnel type is required for -i (tunnel) real servers and only allowed for them", nameof(value));
            }

            _tunnelType = value;
        }
    }

    /// <summary>The same real server with another weight (thresholds and tunnel type kept).</summary>
    /// <param name="weight">0 to 65535.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The weight is outside 0..65535.</exception>
    public RealServer WithWeight(int weight) =>
        new(Address, Port, ForwardingMethod, weight)
        {
            UpperThreshold = UpperThreshold,
            LowerThreshold = LowerThreshold,
            TunnelType = TunnelType,
        };
}
