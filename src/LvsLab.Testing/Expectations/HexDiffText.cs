using System.Globalization;
using System.Text;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// Renders a template against a seen frame as text, rows of 16 bytes:
/// <code>
/// 0000  expected 02 00 0a 00 00 0c 02 00 0a 00 00 02 08 00 45 00
///       seen     02 00 0a 00 00 0d 02 00 0a 00 00 02 08 00 45 00
///                               ^^
/// </code>
/// Bytes the template ignores are <c>..</c> on the expected line; bytes the frame lacks are
/// <c>--</c>; then one line per run of adjacent differing bytes of one field. Deterministic.
/// </summary>
internal static class HexDiffText
{
    private const int RowLength = 16;

    // A long frame shows its header rows and the rows with differences; the rest is elided.
    private const int AlwaysShownRows = 4;
    private const int ShowAllUpTo = 256;

    /// <summary>Renders the diff.</summary>
    /// <param name="template">The template.</param>
    /// <param name="seen">The seen frame.</param>
    /// <param name="differences">The differing bytes.</param>
    /// <returns>The text, several lines, ending with a newline.</returns>
    public static string Render(PacketTemplate template, ReadOnlySpan<byte> seen, IReadOnlyList<ByteDifference> differences)
    {
        var expected = template.Frame.Span;
        var mask = template.Mask.Span;
        var differing = differences.Select(d => d.Offset).ToHashSet();
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        bool elided = false;
        for (int row = 0; row < expected.Length; row += RowLength)
        {
            int end = Math.Min(row + RowLength, expected.Length);
            bool rowDiffers = Enumerable.Range(row, end - row).Any(differing.Contains);
            if (expected.Length > ShowAllUpTo && row / RowLength >= AlwaysShownRows && !rowDiffers)
            {
                if (!elided)
                {
                    text.AppendLine("      …");
                    elided = true;
                }

                continue;
            }

            elided = false;
            var exp = new StringBuilder();
            var got = new StringBuilder();
            var marks = new StringBuilder();
            for (int i = row; i < end; i++)
            {
                exp.Append(' ').Append(mask[i] == 0 ? ".." : expected[i].ToString("x2", c));
                got.Append(' ').Append(i < seen.Length ? seen[i].ToString("x2", c) : "--");
                marks.Append(differing.Contains(i) ? " ^^" : "   ");
            }

            text.Append(c, $"{row:x4}  expected").AppendLine(exp.ToString());
            text.Append("      seen    ").AppendLine(got.ToString());
            if (rowDiffers)
            {
                text.Append("              ").AppendLine(marks.ToString().TrimEnd());
            }
        }

        if (seen.Length > expected.Length)
        {
            text.Append(c, $"      seen has {seen.Length - expected.Length} more bytes (Ethernet padding), not compared").AppendLine();
        }

        foreach (var run in Runs(differences))
        {
            var first = run[0];
            string where = run.Count == 1 ? first.Offset.ToString(c) : $"{first.Offset}-{run[^1].Offset}";
            string bits = first.Mask == 0xFF ? string.Empty : $" (bits 0x{first.Mask:x2})";
            string exp = string.Join(' ', run.Select(d => d.Expected.ToString("x2", c)));
            string got = string.Join(' ', run.Select(d => d.Seen is byte b ? b.ToString("x2", c) : "--"));
            text.Append(c, $"  offset {where,-7} {first.FieldName}{bits}: expected {exp}, seen {got}").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>A plain hex dump of <paramref name="frame"/>, 16 bytes a row.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The text, ending with a newline.</returns>
    public static string Dump(ReadOnlySpan<byte> frame)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        for (int row = 0; row < frame.Length; row += RowLength)
        {
            text.Append(c, $"{row:x4}  seen    ");
            for (int i = row; i < Math.Min(row + RowLength, frame.Length); i++)
            {
                text.Append(' ').Append(frame[i].ToString("x2", c));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    // Adjacent differing bytes of the same field and mask, as one line.
    private static List<List<ByteDifference>> Runs(IReadOnlyList<ByteDifference> differences)
    {
        var runs = new List<List<ByteDifference>>();
        foreach (var d in differences)
        {
            if (runs.Count > 0 && runs[^1][^1] is var last && last.Offset + 1 == d.Offset && last.FieldName == d.FieldName && last.Mask == d.Mask)
            {
                runs[^1].Add(d);
            }
            else
            {
                runs.Add([d]);
            }
        }

        return runs;
    }
}
