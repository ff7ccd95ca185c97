namespace LvsLab.Lab.Forwarders;

/// <summary>A path that must exist on the host for a forwarder to run (e.g. a kernel module's <c>/proc</c> file).</summary>
/// <param name="Path">The path.</param>
/// <param name="Reason">Why the forwarder cannot run without it (shown when it is missing).</param>
public sealed record HostRequirement(string Path, string Reason);
