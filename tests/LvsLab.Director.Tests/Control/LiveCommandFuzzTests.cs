using System.Globalization;
using System.Text.RegularExpressions;
using LvsLab.Director.Control;
using LvsLab.Director.Rules;
using LvsLab.Director.Tests.Fixtures;
using LvsLab.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace LvsLab.Director.Tests.Control;

/// <summary>
/// Mutated ipvsadm commands against running rules (issue 16, reproducible by seed), as the
/// control socket runs them: every one either applies whole — the configured rules change and
/// the engine takes the effective rules — or is refused with <c>command:LINE: reason</c> naming
/// one of its lines, and the rules stay exactly as they were; no other exception escapes.
/// </summary>
public partial class LiveCommandFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 100_000;

    // Valid commands against the kitchen-sink rules, one line each (and one batch of two).
    private static readonly string[] Seeds =
    [
        "-A -t 10.1.0.100:8080 -s rr",
        "-A -u 10.1.0.100:5353 -s sh -p 60",
        "-E -t 10.1.0.100:80 -s rr",
        "-E -t 10.1.0.100:8443 -s wlc -p 60 -M 255.255.0.0",
        "-E -f 1 -s mh -p 30",
        "-D -t 10.1.0.100:443",
        "-a -t 10.1.0.100:80 -r 10.2.0.13:8080 -m -w 3",
        "-a -t 10.1.0.100:443 -r 10.1.0.22:443 -g -w 2",
        "-a -f 2 -r 10.2.0.11:0 -m -w 1",
        "-e -t 10.1.0.100:80 -r 10.2.0.11:8080 -m -w 5",
        "-e -t 10.1.0.100:81 -r 172.20.0.5:81 -i -w 0",
        "-d -t 10.1.0.100:80 -r 10.2.0.12:8080",
        "-d -u 10.1.0.101:0 -r 172.20.0.5",
        "-A -t 10.1.0.100:9000 -s lc\n-a -t 10.1.0.100:9000 -r 10.2.0.11:9000 -m -w 1",
        "-C",
    ];

    private static readonly string[] Words =
    [
        "-A", "-E", "-D", "-C", "-a", "-e", "-d", "-t", "-u", "-f", "-s", "-r", "-g", "-m", "-i", "-w", "-p", "-M", "-o", "-x", "-y",
        "--add-service", "--tcp-service", "--scheduler", "--persistent", "--weight", "--real-server", "--masquerading",
        "rr", "wrr", "lc", "wlc", "sed", "nq", "sh", "dh", "mh", "lblc", "nosuch",
        "0", "1", "65535", "65536", "-1", "4294967295", "99999999999999999999",
        "10.1.0.100", "10.1.0.100:80", "10.2.0.11:8080", "256.1.1.1", "10.1.0.100:", ":80", "0.0.0.0:0", "255.255.255.0", "255.255.255.255",
        "\t", " ", "\n", "", "ä", "\0", "\"", "#",
    ];

    private static readonly LineMutator Mutator = new(Words, "0123456789.:- ", maxMutations: 3, padWords: true);

    [Fact]
    public void EveryMutatedCommandAppliesWholeOrIsRefusedWithItsLineAndChangesNothing()
    {
        var random = new Random(20261209);
        var marks = FirewallMarkRules.Parse(KitchenSinkLab.Marks, "marks");
        LiveConfiguration live = null!;
        DirectorEngine engine = null!;
        void Fresh()
        {
            live = new LiveConfiguration(IpvsRuleParser.Parse(KitchenSinkLab.BaseRules, "rules.ipvs"), marks: marks);
            engine = new DirectorEngine(KitchenSinkLab.Options(1000, expireQuiescentTemplate: false), live.Effective, marks);
        }

        Fresh();
        var (applied, unchanged, refused, resets) = (0, 0, 0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            // A director whose rules the fuzz has emptied (a -C, many -D) starts again from the file.
            if (live.Configured.Services.Count < 3)
            {
                Fresh();
                resets++;
            }

            string command = Mutator.Mutate(Seeds[random.Next(Seeds.Length)], random);
            string before = IpvsRulePrinter.Print(live.Configured);
            try
            {
                if (live.Execute(command, "command"))
                {
                    // Taken whole: the engine compiles every service of the effective rules.
                    engine.Apply(live.Effective);
                    Assert.Equal(live.Effective.Services.Count, engine.Rules.Services.Count);
                    applied++;
                }
                else
                {
                    unchanged++;
                }
            }
            catch (RuleParseException e)
            {
                refused++;
                var match = Located().Match(e.Message);
                Assert.True(match.Success, $"input {n} ('{command}'): '{e.Message}' does not start command:LINE: reason");
                Assert.InRange(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 1, command.Split('\n').Length);
                Assert.Equal(before, IpvsRulePrinter.Print(live.Configured));
            }
        }

        output.WriteLine($"ipvsadm commands: {Inputs} mutated, {applied} applied (the engine took them), {unchanged} accepted with no change, {refused} refused with command:LINE, 0 escapes; {resets} fresh starts after the rules were emptied");
        Assert.True(applied > Inputs / 50 && refused > Inputs / 50, $"{applied} applied, {refused} refused: the mutations should make both");
    }

    [Fact]
    public void AnUnsupportedCommandInABatchIsNamedByItsLine()
    {
        var live = new LiveConfiguration(IpvsRuleParser.Parse(KitchenSinkLab.BaseRules, "rules.ipvs"), marks: FirewallMarkRules.Parse(KitchenSinkLab.Marks, "marks"));
        var e = Assert.Throws<RuleParseException>(() => live.Execute("-A -t 10.1.0.100:7000 -s rr\n-A -t 10.1.0.100:7001 -s lblc", "command"));
        Assert.StartsWith("command:2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("lblc", e.Message, StringComparison.Ordinal);
        var single = Assert.Throws<RuleParseException>(() => live.Execute("-A -f 9 -s rr", "command"));
        Assert.StartsWith("command:1: ", single.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^command:(\d+): \S")]
    private static partial Regex Located();
}
