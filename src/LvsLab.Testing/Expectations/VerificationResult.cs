using System.Text;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// The outcome of one packet verification, as a value: passed or not, a one-line summary, the
/// frames that matched, and the evidence. A conformance runner turns it into a verdict; a test
/// calls <see cref="ThrowIfFailed"/>. <see cref="ToString"/> is the readable form.
/// </summary>
public sealed class VerificationResult
{
    internal VerificationResult(string check, bool passed, string summary, IReadOnlyList<CapturedFrame> matches, IReadOnlyList<PacketEvidence> evidence)
    {
        Check = check;
        Passed = passed;
        Summary = summary;
        Matches = matches;
        Evidence = evidence;
    }

    /// <summary>Which verification: <c>verify packet</c>, <c>verify no packet</c> or <c>verify no other packets</c>.</summary>
    public string Check { get; }

    /// <summary>Whether the expectation held.</summary>
    public bool Passed { get; }

    /// <summary>One line, e.g. <c>DR frame to rs2: destination MAC 02:00:0a:00:00:0c expected, 02:00:0a:00:00:0d seen</c>.</summary>
    public string Summary { get; }

    /// <summary>The frames that matched: the template (verify packet, verify no packet) or an allowed template (verify no other packets).</summary>
    public IReadOnlyList<CapturedFrame> Matches { get; }

    /// <summary>The evidence: on a failure, the closest frame or each offending frame.</summary>
    public IReadOnlyList<PacketEvidence> Evidence { get; }

    /// <summary>Throws when the expectation did not hold.</summary>
    /// <returns>This result, when it passed.</returns>
    /// <exception cref="PacketExpectationException">It failed; the exception carries this result.</exception>
    public VerificationResult ThrowIfFailed() => Passed ? this : throw new PacketExpectationException(this);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder().Append(Passed ? "PASS " : "FAIL ").Append(Check).Append(": ").AppendLine(Summary);
        foreach (var evidence in Evidence)
        {
            text.Append(evidence);
        }

        return text.ToString();
    }
}
