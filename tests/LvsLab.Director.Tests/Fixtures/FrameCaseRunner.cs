using System.Globalization;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;
using Xunit;

namespace LvsLab.Director.Tests.Fixtures;

/// <summary>
/// Runs a <see cref="FrameCase"/>: builds the engine, feeds the prelude, processes the input,
/// then checks the decision, the frame sent against the case's template with
/// <see cref="PacketVerifier"/> (a mismatch fails with the library's evidence: the fields
/// expected and seen, a hex diff), the pinned fields, and the counters.
/// </summary>
internal static class FrameCaseRunner
{
    private const long Start = 1_000;

    /// <summary>The cases' descriptions, one theory row each.</summary>
    public static TheoryData<string> Names(IEnumerable<FrameCase> cases)
    {
        var names = new TheoryData<string>();
        foreach (FrameCase frameCase in cases)
        {
            names.Add(frameCase.Description);
        }

        return names;
    }

    /// <summary>The case of <paramref name="cases"/> described so.</summary>
    public static FrameCase Find(FrameCase[] cases, string description) =>
        Array.Find(cases, c => c.Description == description) ?? throw new ArgumentException($"no case '{description}'", nameof(description));

    /// <summary>Runs the case and asserts everything it expects.</summary>
    public static void Run(FrameCase frameCase)
    {
        (DirectorEngine engine, Decision decision, byte[] output) = Process(frameCase);

        Assert.Equal(frameCase.Kind, decision.Kind);
        Assert.Equal(frameCase.Reason, decision.Reason);
        if (frameCase.Expected is not null)
        {
            Assert.Equal(frameCase.OutInterface, decision.Interface);
            AssertSent(frameCase, output[..decision.Length]);
        }
        else
        {
            Assert.True(decision.Kind is DecisionKind.Drop or DecisionKind.Ignore, $"a case without an expected frame is a Drop or an Ignore, not {decision}");
            Assert.Equal(0, decision.Length);
            Assert.True(Array.TrueForAll(output, b => b == 0), $"output written on {decision.Kind}: {Convert.ToHexString(output)}");
        }

        Assert.Equal(frameCase.Prelude.Length + 1, engine.Counters.FramesIn);
        DrLab.AssertCountedOnce(engine.Counters);
    }

    /// <summary>
    /// Asserts that <paramref name="sent"/> is the case's expected frame: it matches the template
    /// (else a <see cref="PacketExpectationException"/> whose message is the library's evidence:
    /// the fields expected and seen, a hex diff), holds the pinned values, and ends with the padding.
    /// </summary>
    public static void AssertSent(FrameCase frameCase, byte[] sent)
    {
        PacketTemplate expected = frameCase.Expected ?? throw new ArgumentException($"'{frameCase.Description}' expects no frame", nameof(frameCase));
        Verify(expected, sent).ThrowIfFailed();
        string[] pinned = PinnedMismatches(frameCase, sent);
        Assert.True(pinned.Length == 0, string.Join(Environment.NewLine, pinned) + Environment.NewLine + expected.Compare(sent).HexDiff());

        // The template ends with its IP packet; what the engine sends after it is the padding.
        Assert.Equal(expected.Length + frameCase.Padding.Length, sent.Length);
        Assert.Equal(frameCase.Padding, sent[expected.Length..]);
    }

    /// <summary>Verifies one sent frame against a template, as the library verifies a capture: exactly one match.</summary>
    public static VerificationResult Verify(PacketTemplate expected, byte[] sent) =>
        PacketVerifier.VerifyPacket([Captured(sent)], expected, MatchCount.ExactlyOne);

    /// <summary>Builds the case's engine, feeds its prelude (each step must be forwarded or answered) and processes its input.</summary>
    /// <returns>The engine, its decision on the input and the whole output buffer.</returns>
    public static (DirectorEngine Engine, Decision Decision, byte[] Output) Process(FrameCase frameCase)
    {
        DirectorEngine engine = frameCase.Engine();
        byte[] scratch = new byte[2048];
        long now = Start;
        foreach ((int port, byte[] frame) in frameCase.Prelude)
        {
            Decision step = engine.Process(port, frame, scratch, now++);
            Assert.True(step.Sends, $"prelude step: {step}");
        }

        byte[] output = new byte[frameCase.Input.Length + 64];
        Decision decision = engine.Process(frameCase.InInterface, frameCase.Input, output, now);
        return (engine, decision, output);
    }

    /// <summary>The frame the engine sent, as the library's verifications take frames.</summary>
    public static CapturedFrame Captured(byte[] sent) => new(DateTime.UnixEpoch, sent);

    /// <summary>One line per pinned field whose value in <paramref name="sent"/> is not the case's.</summary>
    public static string[] PinnedMismatches(FrameCase frameCase, byte[] sent)
    {
        if (frameCase.Expected is not { } expected || frameCase.Pinned is not { Length: > 0 } pinned)
        {
            return [];
        }

        var seen = PacketTemplate.FromFrame(sent, "sent");
        return pinned
            .Where(p => !seen.Has(p.Field) || seen.ReadNumber(p.Field) != p.Value)
            .Select(p => string.Create(
                CultureInfo.InvariantCulture,
                $"{expected.Description}: {p.Field.Name} {Format(p.Field, p.Value)} expected (this engine's choice; the template leaves it free), {(seen.Has(p.Field) ? Format(p.Field, seen.ReadNumber(p.Field)) : "none")} seen"))
            .ToArray();
    }

    private static string Format(PacketField field, ulong value) =>
        field.Format == FieldFormat.Hex ? string.Create(CultureInfo.InvariantCulture, $"0x{value:x4}") : value.ToString(CultureInfo.InvariantCulture);
}
