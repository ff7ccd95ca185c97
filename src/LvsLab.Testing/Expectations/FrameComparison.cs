using System.Globalization;
using System.Text;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// How one seen frame compares with a template under its mask: the differing bytes (named after
/// their fields), wrong checksums when the template requires valid ones, a one-line summary and
/// a hex diff. <see cref="ToString"/> is the readable form.
/// </summary>
public sealed class FrameComparison
{
    private const int MaxFieldsInSummary = 3;
    private readonly byte[] seen;

    internal FrameComparison(PacketTemplate template, byte[] seen, IReadOnlyList<ByteDifference> differences, IReadOnlyList<string> problems)
    {
        Template = template;
        this.seen = seen;
        Differences = differences;
        ChecksumProblems = problems;
    }

    /// <summary>The template compared with.</summary>
    public PacketTemplate Template { get; }

    /// <summary>The seen frame.</summary>
    public ReadOnlyMemory<byte> Seen => seen;

    /// <summary>The bytes that differ in bits the template compares (a byte the frame lacks differs).</summary>
    public IReadOnlyList<ByteDifference> Differences { get; }

    /// <summary>Wrong checksums in the seen frame (only when the template requires valid ones).</summary>
    public IReadOnlyList<string> ChecksumProblems { get; }

    /// <summary>Whether the frame matches: no differences, no wrong checksums.</summary>
    public bool Matched => Differences.Count == 0 && ChecksumProblems.Count == 0;

    /// <summary>How far the frame is from the template: differing bytes plus wrong checksums (0 on a match).</summary>
    public int Distance => Differences.Count + ChecksumProblems.Count;

    /// <summary>The names of the fields that differ, in frame order, each once.</summary>
    public IReadOnlyList<string> DifferingFields => Differences.Select(d => d.FieldName).Distinct().ToList();

    /// <summary>
    /// The differences in one line, each field with both values, e.g. <c>destination MAC
    /// 02:42:0a:00:00:0c expected, 02:42:0a:00:00:0d seen</c>; <c>matches</c> on a match.
    /// </summary>
    public string Summary
    {
        get
        {
            if (Matched)
            {
                return "matches";
            }

            var parts = new List<string>();
            if (seen.Length < Template.Length)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"frame of {seen.Length} bytes, {Template.Length} expected"));
            }

            foreach (var group in Differences.Where(d => d.Seen is not null).GroupBy(d => d.FieldName))
            {
                parts.Add(FieldLine(group.First()));
            }

            parts.AddRange(ChecksumProblems);
            return parts.Count <= MaxFieldsInSummary
                ? string.Join("; ", parts)
                : string.Join("; ", parts.Take(MaxFieldsInSummary))
                    + string.Create(CultureInfo.InvariantCulture, $"; and {parts.Count - MaxFieldsInSummary} more");
        }
    }

    /// <summary>The hex diff: each row of 16 bytes as expected (masked bytes as <c>..</c>) and seen, differing bytes marked, then one line per differing byte.</summary>
    /// <returns>The diff, several lines.</returns>
    public string HexDiff() => HexDiffText.Render(Template, seen, Differences);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Template.Description).Append(": ").AppendLine(Summary);
        text.Append(HexDiff());
        return text.ToString();
    }

    private string FieldLine(ByteDifference first)
    {
        if (first.Field is { Format: not FieldFormat.Bytes } field && Template.Find(field) is { } at && at.End <= seen.Length)
        {
            var expected = field.FormatValue(Template.Frame.Span, at);
            var got = field.FormatValue(seen, at);
            return $"{field.Name} {expected} expected, {got} seen";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{first.FieldName} byte {first.Offset} 0x{first.Expected:x2} expected, 0x{first.Seen:x2} seen");
    }
}
