using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Runtime;

namespace LvsLab.Conformance.Catalog;

/// <summary>What a case runs against: the running lab with the forwarder in its director, and where its captures go.</summary>
/// <param name="Lab">The running lab (its mode is the case's).</param>
/// <param name="Forwarder">The forwarder's description.</param>
/// <param name="Artifacts">The case's folder for pcaps.</param>
public sealed record CaseContext(IRunningLab Lab, ForwarderDescription Forwarder, string Artifacts);
