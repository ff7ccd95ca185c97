using LvsLab.Lab.Topologies;
using LvsLab.Lab.TopologyFiles;
using LvsLab.Tests.Shared;
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

    private static readonly LineMutator Mutator = new(Words, "0123456789.:-/ ,{}[]", maxMutations: 3, padWords: false);

    [Fact]
    public void EveryMutatedTopologyFileLoadsOrIsRefusedWithFileLineFieldAndReason()
    {
        var random = new Random(20261209);
        string[] seeds = [.. StockLabs.Names.Select(StockLabs.FileText)];
        var (loaded, refused) = (0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            string text = Mutator.Mutate(seeds[random.Next(seeds.Length)], random);
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
}
