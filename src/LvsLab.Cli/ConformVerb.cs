using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using LvsLab.Conformance.Catalog;
using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;
using LvsLab.Conformance.Running;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Forwarders;
using LvsLab.Lab.TopologyFiles;

namespace LvsLab.Cli;

/// <summary>
/// <c>lvslab conform</c>: runs the conformance cases against forwarders and writes the verdict
/// matrix with its evidence (terminal, report.json, Markdown, HTML, JUnit); <c>lvslab conform
/// merge</c> joins shard reports; <c>lvslab conform --list</c> shows the catalogue.
/// </summary>
internal static partial class ConformVerb
{
    public static Command Build()
    {
        var forwarders = new Option<string>("--forwarder") { Description = "forwarders, comma-separated: lvslab, lvslab-pcap, nftables, ipvs, xdp, lvslab:LVS_NAME=VALUE, FILE.forwarder.yml or image:NAME:TAG", DefaultValueFactory = _ => "lvslab" };
        var modes = new Option<string>("--modes") { Description = "modes to check, comma-separated (dr, nat, tun)", DefaultValueFactory = _ => "dr,nat,tun" };
        var cases = new Option<string?>("--cases") { Description = "case IDs to run: a pattern with * and commas, e.g. DR-*,NAT-FWD-1" };
        var output = new Option<string>("--out") { Description = "where the reports and pcaps go", DefaultValueFactory = _ => "conformance" };
        var shard = new Option<string?>("--shard") { Description = "run shard I of N (I/N): every N-th lab of the plan; join the shards' reports with 'lvslab conform merge'" };
        var list = new Option<bool>("--list") { Description = "list the cases and exit" };
        var mutants = new Option<bool>("--mutants") { Description = "instead of --forwarder: every mutant (lvs-director with one deliberate fault) against the cases that target it; exit 0 when each is caught" };
        var command = new Command("conform", "check forwarders against the conformance cases with real packets; exit 0 when every MUST case passes, 1 when one fails, 2 for bad input or a case that could not be run")
        {
            forwarders, modes, cases, output, shard, list, mutants,
        };
        command.Subcommands.Add(Merge());
        command.SetAction(async (result, ct) =>
        {
            IReadOnlyList<ConformanceCase> selected;
            try
            {
                selected = ConformanceCatalog.Select(result.GetValue(cases));
            }
            catch (ArgumentException e)
            {
                return BadInput(Plain(e));
            }

            var modeList = Split(result.GetValue(modes)!);
            if (modeList.FirstOrDefault(m => !ForwarderCapabilities.Modes.Contains(m)) is { } badMode)
            {
                return BadInput($"--modes: unknown mode '{badMode}' (modes: {string.Join(", ", ForwarderCapabilities.Modes)})");
            }

            selected = [.. selected.Where(c => modeList.Contains(c.Mode))];
            if (result.GetValue(list))
            {
                foreach (var c in selected)
                {
                    Console.WriteLine($"{c.Id,-14} {(c.Level == CaseLevel.Must ? "MUST  " : "SHOULD")} {c.Sentence}");
                    Console.WriteLine($"{string.Empty,-21} ref: {c.Reference}");
                }

                return 0;
            }

            var descriptions = new List<ForwarderDescription>();
            foreach (var name in Split(result.GetValue(forwarders)!))
            {
                try
                {
                    descriptions.Add(ForwarderCatalog.Resolve(name));
                }
                catch (Exception e) when (e is ArgumentException or TopologyFileException or IOException)
                {
                    return BadInput(e is ArgumentException a ? Plain(a) : e.Message);
                }
            }

            var units = result.GetValue(mutants)
                ? [.. ForwarderCatalog.Mutants.SelectMany(m => ConformanceUnit.Plan([ForwarderCatalog.Resolve(ForwarderCatalog.MutantPrefix + m.Fault)], [.. ConformanceCatalog.Select(m.Cases).Where(c => selected.Contains(c))]))]
                : ConformanceUnit.Plan(descriptions, selected);
            string? shardText = result.GetValue(shard);
            if (shardText is not null)
            {
                var match = ShardPattern().Match(shardText);
                var index = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
                var count = match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
                if (index < 1 || index > count)
                {
                    return BadInput($"--shard '{shardText}': I/N with 1 ≤ I ≤ N, e.g. 1/2");
                }

                units = ConformanceUnit.Shard(units, index, count);
            }

            var folder = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(folder);
            var started = DateTimeOffset.UtcNow;
            var runner = new ConformanceRunner(new DockerLabRuntime(), folder);
            var results = await runner.RunAsync(units, new Progress<string>(line => Console.Error.WriteLine($"  {line}")), ct);
            var report = new ConformanceReport(results, started, shardText);
            if (result.GetValue(mutants))
            {
                return FinishMutants(report, folder);
            }

            return Finish(report, folder);
        });
        return command;
    }

    private static Command Merge()
    {
        var reports = new Argument<string[]>("reports") { Description = "report.json files (or folders holding one) of the shards", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "where the merged reports go", DefaultValueFactory = _ => "conformance" };
        var command = new Command("merge", "join the reports of shards into one (matrix, report.json, Markdown, HTML, JUnit)") { reports, output };
        command.SetAction(result =>
        {
            ConformanceReport merged;
            try
            {
                var parts = result.GetValue(reports)!.Select(p => ReportJsonReader.Read(Directory.Exists(p) ? Path.Combine(p, "report.json") : p)).ToList();
                merged = ConformanceMerge.Merge(parts);
            }
            catch (Exception e) when (e is ConformanceReportException or IOException or ArgumentException)
            {
                return BadInput(e is ArgumentException a ? Plain(a) : e.Message);
            }

            var folder = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(folder);
            return Finish(merged, folder);
        });
        return command;
    }

    private static int Finish(ConformanceReport report, string folder)
    {
        Console.WriteLine(TerminalMatrix.Render(report, useColor: !Console.IsOutputRedirected));
        foreach (var file in ReportFiles.WriteAll(report, folder))
        {
            Console.Error.WriteLine($"  wrote {file}");
        }

        return report.ExitCode;
    }

    // Mutants are caught when a case each targets finds it wrong (fails a MUST case, does not
    // meet a SHOULD case): the exit code says whether every one was.
    private static int FinishMutants(ConformanceReport report, string folder)
    {
        Finish(report, folder);
        var escaped = report.Forwarders.Where(f => !f.Cases.Any(c => c.FoundFault)).Select(f => f.Name).ToList();
        foreach (var mutant in report.Forwarders)
        {
            var caughtBy = mutant.Cases.Where(c => c.FoundFault).Select(c => c.Id).ToList();
            Console.WriteLine($"{mutant.Name,-28} {(caughtBy.Count > 0 ? "caught by " + string.Join(", ", caughtBy) : "ESCAPED")}");
        }

        return escaped.Count == 0 ? 0 : 1;
    }

    // Bad input (an unknown forwarder, case pattern or mode, a malformed description or report):
    // one line naming it, exit 2, nothing started.
    private static int BadInput(string message)
    {
        Console.Error.WriteLine($"lvslab conform: {message}");
        return 2;
    }

    private static string Plain(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    [GeneratedRegex("^([0-9]{1,3})/([0-9]{1,3})$")]
    private static partial Regex ShardPattern();
}
