using System.Net;
using LvsLab.Lab.Model;

namespace LvsLab.Testing.Flow;

/// <summary>A node the traced packet visits, as the pictures label it.</summary>
/// <param name="Name">The node's name, or a raw MAC when no lab node owns it.</param>
/// <param name="Role">Its role, or null for a MAC no lab node owns.</param>
/// <param name="Interfaces">Its interfaces, in the topology's order.</param>
/// <param name="Vip">The flow's VIP (<see cref="PacketFlow.Vip"/>) when the node holds or answers it (the director, a real server with the VIP on <c>lo</c>), else null.</param>
public sealed record FlowNode(string Name, NodeRole? Role, IReadOnlyList<FlowInterface> Interfaces, IPAddress? Vip);
