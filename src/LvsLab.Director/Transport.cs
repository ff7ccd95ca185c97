using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>The fields of a TCP or UDP header the engine decides on.</summary>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="SourcePort">Source port.</param>
/// <param name="DestinationPort">Destination port.</param>
/// <param name="Flags">TCP flags (None for UDP).</param>
internal readonly record struct Transport(ServiceProtocol Protocol, ushort SourcePort, ushort DestinationPort, TcpFlags Flags);
