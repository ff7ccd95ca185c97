namespace LvsLab.Bench;

/// <summary>One run of one forwarder in one mode.</summary>
/// <param name="Mode">dr or nat.</param>
/// <param name="Forwarder">lvslab, nftables, or direct (no load balancer).</param>
/// <param name="Run">The run's number (runs of the forwarders are interleaved A/B/A…).</param>
/// <param name="Result">What ab measured.</param>
/// <param name="CpuMicrosecondsPerRequest">The forwarder process's CPU time per request, where it can be told (a user-space forwarder); null otherwise.</param>
/// <param name="GarbageCollections">Garbage collections in the forwarder during the run (all generations), where it can be told.</param>
public sealed record BenchSample(string Mode, string Forwarder, int Run, ApacheBenchResult Result, double? CpuMicrosecondsPerRequest, long? GarbageCollections);
