using System.Text;
using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;
using Xunit.Abstractions;

namespace LvsLab.Lab.Tests;

/// <summary>
/// Mutated topology files (issue 16, reproducible by seed): every one either loads as a valid
/// topology or is refused with errors that each name the file, a line of it, a field and a
/// reason; no other exception escapes.
/// </summary>
public class TopologyFileFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 100_000;

    private static readonly string[] Words =
    [
        "name:", "mode:", "vip:", "port:", "health:", "directors:", "networks:", "nodes:", "realServers:", "subnet:", "auto", "role:", "interfaces:", "routes:",
        "{", "}", "[", "]", ":", "-", ",", "'", "\"", "#", "&a", "*a", "!!str", "|", ">", "\t", "  ", "\n",
        "0", "1", "2", "3", "254", "255", "256", "65535", "65536", "-1", "99999999999", "10.77.0.0/24", "10.77.0.0/33", "8.8.8.0/24", "lan.100", "front.3", "rs.back", "${vip}", "${nope}",
        "director", "router", "client", "realserver", "seed", "none", "tcp", "http", "500ms", "0ms", "1h", "default", "via",
    ];

    [Fact]
    public void EveryMutatedTopologyFileLoadsOrIsRefusedWithFileLineFieldAndReason()
    {
        var random = new Random(20261209);
        string[] seeds = [.. StockLabs.Names.Select(StockLabs.FileText)];
        var (loaded, refused) = (0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            string text = Mutate(seeds[random.Next(seeds.Length)], random);
            int lines = text.Split('\n').Length;
            try
            {
                var topology = LabFile.Parse(text, "fuzz.lab.yml", null, 3);
                Assert.Empty(topology.Validate());
                loaded++;
            }
            catch (TopologyFileException e)
            {
                refused++;
                Assert.NotEmpty(e.Errors);
                Assert.All(e.Errors, error =>
                {
                    Assert.True(error.File == "fuzz.lab.yml" && error.Line >= 1 && error.Line <= lines + 1 && error.Field.Length > 0 && error.Reason.Length > 0, $"input {n}: '{error}'");
                });
            }
        }

        output.WriteLine($"topology files: {Inputs} mutated, {loaded} loaded, {refused} refused with FILE:LINE: field: reason, 0 escapes");
        Assert.True(loaded > Inputs / 100 && refused > Inputs / 100, $"{loaded} loaded, {refused} refused: the mutations should make both");
    }

    [Fact]
    public void AnEmptyKeyIsNamedAsWritten()
    {
        // Found by the fuzz: an error about a key written '' named an empty field.
        var error = Assert.Throws<TopologyFileException>(() => LabFile.Parse("'': 1\n" + StockLabs.FileText("dr"), "empty.lab.yml", null, 3));
        Assert.Contains(error.Errors, e => e.Line == 1 && e.Field == "''" && e.Reason.StartsWith("unknown key ''", StringComparison.Ordinal));
    }

    // One to three mutations: a character deleted, inserted or replaced, a word put in, a line deleted, repeated or moved.
    private static string Mutate(string seed, Random random)
    {
        var lines = seed.Split('\n').ToList();
        for (int m = random.Next(1, 4); m > 0; m--)
        {
            int at = random.Next(lines.Count);
            var line = new StringBuilder(lines[at]);
            switch (random.Next(7))
            {
                case 0 when line.Length > 0:
                    line.Remove(random.Next(line.Length), 1);
                    break;
                case 1:
                    line.Insert(random.Next(line.Length + 1), (char)random.Next(32, 127));
                    break;
                case 2 when line.Length > 0:
                    line[random.Next(line.Length)] = "0123456789.:-/ ,{}[]"[random.Next(20)];
                    break;
                case 3:
                    line.Insert(random.Next(line.Length + 1), Words[random.Next(Words.Length)]);
                    break;
                case 4 when lines.Count > 1:
                    lines.RemoveAt(at);
                    continue;
                case 5:
                    lines.Insert(at, lines[at]);
                    continue;
                case 6 when at + 1 < lines.Count:
                    (lines[at], lines[at + 1]) = (lines[at + 1], lines[at]);
                    continue;
                default:
                    line.Append(' ').Append(Words[random.Next(Words.Length)]);
                    break;
            }

            lines[at] = line.ToString();
        }

        return string.Join('\n', lines);
    }
}
