using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// The verifications of <see cref="PacketVerifier"/> as assertions for tests: each throws a
/// <see cref="PacketExpectationException"/> carrying the evidence when the expectation fails.
/// </summary>
public static class PacketAssert
{
    /// <summary>Asserts that a frame matching <paramref name="template"/> was captured.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="template">The expected frame.</param>
    /// <param name="count">At least one match, or exactly one.</param>
    /// <returns>The passed result (its <see cref="VerificationResult.Matches"/> are the matching frames).</returns>
    /// <exception cref="PacketExpectationException">No match, or more than one when exactly one was asked for.</exception>
    public static VerificationResult Packet(IReadOnlyList<CapturedFrame> frames, PacketTemplate template, MatchCount count = MatchCount.AtLeastOne) =>
        PacketVerifier.VerifyPacket(frames, template, count).ThrowIfFailed();

    /// <summary>Asserts that no frame matching <paramref name="template"/> was captured.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="template">The frame that must not be seen.</param>
    /// <returns>The passed result.</returns>
    /// <exception cref="PacketExpectationException">A frame matched.</exception>
    public static VerificationResult NoPacket(IReadOnlyList<CapturedFrame> frames, PacketTemplate template) =>
        PacketVerifier.VerifyNoPacket(frames, template).ThrowIfFailed();

    /// <summary>Asserts that no frame <paramref name="forbidden"/> keeps was captured.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="forbidden">The frames that must not be seen.</param>
    /// <returns>The passed result.</returns>
    /// <exception cref="PacketExpectationException">Such a frame was captured.</exception>
    public static VerificationResult NoPacket(IReadOnlyList<CapturedFrame> frames, FrameFilter forbidden) =>
        PacketVerifier.VerifyNoPacket(frames, forbidden).ThrowIfFailed();

    /// <summary>Asserts that every frame <paramref name="filter"/> keeps matches one of <paramref name="allowed"/>.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="allowed">The frames that may be seen.</param>
    /// <param name="filter">The frames looked at.</param>
    /// <returns>The passed result.</returns>
    /// <exception cref="PacketExpectationException">A frame matched none of them.</exception>
    public static VerificationResult NoOtherPackets(IReadOnlyList<CapturedFrame> frames, IReadOnlyList<PacketTemplate> allowed, FrameFilter filter) =>
        PacketVerifier.VerifyNoOtherPackets(frames, allowed, filter).ThrowIfFailed();
}
