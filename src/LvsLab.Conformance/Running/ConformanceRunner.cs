using System.Diagnostics;
using LvsLab.Conformance.Catalog;
using LvsLab.Conformance.Results;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.Runtime;
using LvsLab.Lab.Topologies;

namespace LvsLab.Conformance.Running;

/// <summary>
/// Runs conformance units: per unit one stock lab of its mode with the forwarder in the director,
/// every case against it, the lab taken down after. A case the forwarder does not claim is
/// "unsupported" and not run; a case that throws is "error"; a MUST case that does not hold
/// is "fail", a SHOULD case "non-strict".
/// </summary>
/// <param name="runtime">The lab runtime.</param>
/// <param name="folder">Where pcaps go (<c>pcaps/FORWARDER/CASE/</c> below it).</param>
public sealed class ConformanceRunner(DockerLabRuntime runtime, string folder)
{
    /// <summary>Runs the units and gathers the outcomes by forwarder (in the order the units name them).</summary>
    /// <param name="units">The units.</param>
    /// <param name="progress">One line per lab and case.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One result per forwarder.</returns>
    public async Task<IReadOnlyList<ForwarderResult>> RunAsync(IReadOnlyList<ConformanceUnit> units, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(units);
        var results = new List<ForwarderResult>();
        foreach (var forwarder in units.Select(u => u.Forwarder).DistinctBy(f => f.Name))
        {
            var watch = Stopwatch.StartNew();
            var outcomes = new List<CaseOutcome>();
            foreach (var unit in units.Where(u => u.Forwarder.Name == forwarder.Name))
            {
                outcomes.AddRange(await RunUnitAsync(unit, progress, cancellationToken));
            }

            results.Add(new ForwarderResult(forwarder.Name, forwarder.Source, outcomes, Math.Round(watch.Elapsed.TotalSeconds, 1)));
        }

        return results;
    }

    private async Task<IReadOnlyList<CaseOutcome>> RunUnitAsync(ConformanceUnit unit, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var forwarder = unit.Forwarder;
        var outcomes = new List<CaseOutcome>();
        if (!forwarder.Supports(unit.Mode))
        {
            return [.. unit.Cases.Select(c => Outcome(c, CaseVerdict.Unsupported, [$"the forwarder '{forwarder.Name}' does not claim {unit.Mode}"], [], 0))];
        }

        var runnable = new List<ConformanceCase>();
        foreach (var @case in unit.Cases)
        {
            if (Missing(forwarder, @case) is { } missing)
            {
                outcomes.Add(Outcome(@case, CaseVerdict.Unsupported, [missing], [], 0));
            }
            else
            {
                runnable.Add(@case);
            }
        }

        if (runnable.Count == 0)
        {
            return outcomes;
        }

        if (forwarder.UnavailableReason() is { } unavailable)
        {
            outcomes.AddRange(runnable.Select(c => Outcome(c, CaseVerdict.Error, [unavailable], [], 0)));
            return Ordered(unit, outcomes);
        }

        IRunningLab lab;
        var up = Stopwatch.StartNew();
        try
        {
            await runtime.SweepAsync(cancellationToken);
            var slot = await runtime.FreeSlotAsync(cancellationToken);
            var stock = StockLabs.Load(unit.Mode, $"cf-{unit.Mode}-{Guid.NewGuid().ToString("N")[..6]}", slot);
            var topology = forwarder.ApplyTo(unit.Cases[0].Rules is { } rules ? LabRules.Replace(stock, rules(stock)) : stock);
            lab = await runtime.UpAsync(topology, LabOwner.CurrentProcess(), null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            progress?.Report($"{forwarder.Name} {unit.Mode}: the lab did not come up: {e.Message}");
            outcomes.AddRange(runnable.Select(c => Outcome(c, CaseVerdict.Error, [$"the {unit.Mode} lab with '{forwarder.Name}' did not come up: {e.Message}"], [], 0)));
            return Ordered(unit, outcomes);
        }

        await using (lab)
        {
            progress?.Report($"{forwarder.Name} {unit.Mode}{(unit.Variant is null ? string.Empty : $" ({unit.Variant})")}: lab '{lab.Topology.Name}' up in {up.Elapsed.TotalSeconds:F1} s");
            foreach (var @case in runnable)
            {
                var outcome = await RunCaseAsync(@case, lab, forwarder, cancellationToken);
                progress?.Report($"{forwarder.Name} {@case.Id}: {Word(outcome.Verdict)} ({outcome.Seconds:F1} s)");
                outcomes.Add(outcome);
            }
        }

        return Ordered(unit, outcomes);
    }

    private async Task<CaseOutcome> RunCaseAsync(ConformanceCase @case, IRunningLab lab, ForwarderDescription forwarder, CancellationToken cancellationToken)
    {
        var artifacts = Path.Combine(folder, "pcaps", Safe(forwarder.Name), @case.Id);
        Directory.CreateDirectory(artifacts);
        var watch = Stopwatch.StartNew();
        try
        {
            var finding = await @case.Run(new CaseContext(lab, forwarder, artifacts), cancellationToken);
            var verdict = finding.Held ? CaseVerdict.Pass : @case.Level == CaseLevel.Must ? CaseVerdict.Fail : CaseVerdict.NonStrict;
            return Outcome(@case, verdict, finding.Evidence, [.. finding.Pcaps.Select(p => Path.GetRelativePath(folder, p))], watch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Outcome(@case, CaseVerdict.Error, [$"{e.GetType().Name}: {e.Message}"], [], watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Why the forwarder's claims do not cover the case, or null when they do.</summary>
    private static string? Missing(ForwarderDescription forwarder, ConformanceCase @case)
    {
        if (@case.Scheduler is { } scheduler && !forwarder.Schedules(scheduler))
        {
            return $"needs the scheduler '{scheduler}', which the forwarder '{forwarder.Name}' does not claim";
        }

        var missing = @case.Capabilities.Where(c => !forwarder.Claims(c)).ToList();
        return missing.Count > 0 ? $"needs {string.Join(", ", missing)}, which the forwarder '{forwarder.Name}' does not claim" : null;
    }

    private static List<CaseOutcome> Ordered(ConformanceUnit unit, List<CaseOutcome> outcomes) =>
        [.. outcomes.OrderBy(o => unit.Cases.ToList().FindIndex(c => c.Id == o.Id))];

    private static CaseOutcome Outcome(ConformanceCase @case, CaseVerdict verdict, IReadOnlyList<string> evidence, IReadOnlyList<string> pcaps, double seconds) =>
        new(@case.Id, @case.Mode, @case.Level, @case.Sentence, verdict, evidence, pcaps, Math.Round(seconds, 2));

    private static string Word(CaseVerdict verdict) => verdict switch
    {
        CaseVerdict.Pass => "pass",
        CaseVerdict.Fail => "FAIL",
        CaseVerdict.NonStrict => "non-strict",
        CaseVerdict.Unsupported => "unsupported",
        _ => "ERROR",
    };

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
