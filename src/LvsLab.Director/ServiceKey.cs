using LvsLab.Director.Rules;
using LvsLab.Packets;

namespace LvsLab.Director;

/// <summary>Looks up a virtual service by protocol, VIP and port without allocating.</summary>
/// <param name="Protocol">TCP or UDP.</param>
/// <param name="Address">The VIP.</param>
/// <param name="Port">The virtual port.</param>
internal readonly record struct ServiceKey(ServiceProtocol Protocol, IpAddress Address, ushort Port);
