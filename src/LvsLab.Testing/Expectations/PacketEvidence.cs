using System.Globalization;
using System.Text;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// One piece of evidence for a verification: a captured frame (the closest to a template that
/// nothing matched, or a frame that should not have been there) and, when a template is
/// involved, how the frame compares with it. <see cref="ToString"/> is the readable form.
/// </summary>
public sealed class PacketEvidence
{
    internal PacketEvidence(string summary, CapturedFrame? frame, int frameIndex, FrameComparison? comparison)
    {
        Summary = summary;
        Frame = frame;
        FrameIndex = frameIndex;
        Comparison = comparison;
    }

    /// <summary>What this evidence shows, one line.</summary>
    public string Summary { get; }

    /// <summary>The captured frame, or null when none was captured.</summary>
    public CapturedFrame? Frame { get; }

    /// <summary>The frame's index in the list verified (-1 without a frame).</summary>
    public int FrameIndex { get; }

    /// <summary>The comparison with the template involved, or null.</summary>
    public FrameComparison? Comparison { get; }

    /// <summary>The template involved, or null.</summary>
    public PacketTemplate? Template => Comparison?.Template;

    /// <inheritdoc/>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder().AppendLine(Summary);
        if (Frame is not null)
        {
            text.Append(c, $"  frame #{FrameIndex} at {Frame.Time:HH:mm:ss.ffffff}, {Frame.Data.Length} bytes").AppendLine();
        }

        if (Comparison is not null)
        {
            text.Append(c, $"  template: {Comparison.Template}").AppendLine();
            text.Append(Comparison.HexDiff());
        }
        else if (Frame is not null)
        {
            text.Append(HexDiffText.Dump(Frame.Data));
        }

        return text.ToString();
    }
}
