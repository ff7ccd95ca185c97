using System.Text;

namespace LvsLab.Tests.Shared;

/// <summary>
/// Mutates a text file line-wise for the file fuzz tests (linked into each test project that
/// fuzzes a parser): a character deleted, inserted or replaced, a word of the format put in or
/// appended, a line deleted, repeated or swapped with the next. The same seed gives the same text.
/// </summary>
internal sealed class LineMutator(IReadOnlyList<string> words, string replacements, int maxMutations, bool padWords)
{
    /// <summary>One to <c>maxMutations</c> mutations of <paramref name="seed"/>.</summary>
    public string Mutate(string seed, Random random)
    {
        var lines = seed.Split('\n').ToList();
        for (int m = random.Next(1, maxMutations + 1); m > 0; m--)
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
                    line[random.Next(line.Length)] = replacements[random.Next(replacements.Length)];
                    break;
                case 3:
                    line.Insert(random.Next(line.Length + 1), padWords ? $" {Word(random)} " : Word(random));
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
                    line.Append(' ').Append(Word(random));
                    break;
            }

            lines[at] = line.ToString();
        }

        return string.Join('\n', lines);
    }

    private string Word(Random random) => words[random.Next(words.Count)];
}
