using System.Text.RegularExpressions;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace LvsLab.Director.Tests.Rules;

/// <summary>
/// Mutated rules files and marks files (issue 16, reproducible by seed): every one either
/// parses — and then the engine takes it whole — or is refused with <c>FILE:LINE: reason</c>
/// naming a line of the file; no other exception escapes, and the rules a refused file was
/// applied to are left as they were.
/// </summary>
public partial class RuleFileFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 100_000;

    // Words the mutations draw from: every option and scheduler, and values at and past their bounds.
    private static readonly string[] Words =
    [
        "-A", "-E", "-D", "-C", "-a", "-e", "-d", "-t", "-u", "-f", "-s", "-r", "-g", "-m", "-i", "-w", "-p", "-M", "-o", "-b", "-x", "-y",
        "rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "lblc", "fo", "twos", "nosuch",
        "0", "1", "65535", "65536", "-1", "4294967295", "4294967296", "99999999999999999999",
        "10.1.0.100", "10.1.0.100:80", "10.2.0.11:8080", "256.1.1.1", "10.1.0.100:", ":80", "0.0.0.0:0", "255.255.255.255", "10.9.0.0/24", "10.9.0.0/33",
        "iptables", "-t", "mangle", "PREROUTING", "-j", "MARK", "--set-mark", "--dport", "--dports", "80,443", "80:90", "multiport", "tcp", "udp", "icmp",
        "#", "*", "\t", " ", "\n", "", "ä", "\0", "\"",
    ];

    private static readonly LineMutator Mutator = new(Words, "0123456789.:-/ ,", maxMutations: 4, padWords: true);

    [Fact]
    public void EveryMutatedRulesFileParsesWholeOrIsRefusedWithItsLineAndChangesNothing()
    {
        var random = new Random(20261207);
        string[] seeds = [KitchenSinkLab.BaseRules, NatLab.Rules, .. KitchenSinkLab.RuleVariants];
        var initial = IpvsRuleParser.Parse(NatLab.Rules, "initial.ipvs");
        string before = IpvsRulePrinter.Print(initial);
        var (parsed, refused) = (0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            string text = Mutator.Mutate(seeds[random.Next(seeds.Length)], random);
            try
            {
                RuleSet rules = IpvsRuleParser.Parse(text, "fuzz.ipvs", initial);
                parsed++;

                // Taken whole: the engine compiles every service it was given.
                var engine = new DirectorEngine(KitchenSinkLab.Options(1000, expireQuiescentTemplate: false), rules);
                Assert.Equal(rules.Services.Count, engine.Rules.Services.Count);
            }
            catch (RuleParseException e)
            {
                refused++;
                AssertNamesALine(e.Message, "fuzz.ipvs", text, n);
            }

            Assert.Equal(before, IpvsRulePrinter.Print(initial));
        }

        output.WriteLine($"rules files: {Inputs} mutated, {parsed} parsed and taken by the engine, {refused} refused with FILE:LINE, 0 escapes");
        Assert.True(parsed > Inputs / 50 && refused > Inputs / 50, $"{parsed} parsed, {refused} refused: the mutations should make both");
    }

    [Fact]
    public void EveryMutatedMarksFileParsesOrIsRefusedWithItsLine()
    {
        var random = new Random(20261208);
        var (parsed, refused) = (0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            string text = Mutator.Mutate(KitchenSinkLab.Marks, random);
            try
            {
                FirewallMarkRules.Parse(text, "fuzz.marks");
                parsed++;
            }
            catch (RuleParseException e)
            {
                refused++;
                AssertNamesALine(e.Message, "fuzz.marks", text, n);
            }
        }

        output.WriteLine($"marks files: {Inputs} mutated, {parsed} parsed, {refused} refused with FILE:LINE, 0 escapes");
        Assert.True(parsed > Inputs / 50 && refused > Inputs / 50, $"{parsed} parsed, {refused} refused: the mutations should make both");
    }

    [Fact]
    public void TheMutationsAreTheSameForTheSameSeed()
    {
        Assert.Equal(Mutator.Mutate(KitchenSinkLab.BaseRules, new Random(5)), Mutator.Mutate(KitchenSinkLab.BaseRules, new Random(5)));
        Assert.NotEqual(KitchenSinkLab.BaseRules, Mutator.Mutate(KitchenSinkLab.BaseRules, new Random(5)));
    }

    private static void AssertNamesALine(string message, string file, string text, int n)
    {
        var match = Located().Match(message);
        Assert.True(match.Success && match.Groups[1].Value == file, $"input {n}: '{message}' does not start FILE:LINE: reason");
        int line = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(line, 1, text.Split('\n').Length);
    }

    [GeneratedRegex(@"^([^:]+):(\d+): \S")]
    private static partial Regex Located();
}
