namespace LvsLab.Lab.TopologyFiles;

/// <summary>A route as written.</summary>
/// <param name="To">Its destination: <c>default</c> or a CIDR.</param>
/// <param name="Via">Its next hop: an address reference.</param>
/// <param name="Field">The route's path, e.g. <c>nodes.client.routes[0]</c>.</param>
internal sealed record RouteSpec(YamlTreeScalar To, YamlTreeScalar Via, string Field);
