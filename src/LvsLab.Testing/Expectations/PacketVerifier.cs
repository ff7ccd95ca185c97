using System.Globalization;
using LvsLab.Testing.Capture;

namespace LvsLab.Testing.Expectations;

/// <summary>
/// PTF-style verifications over a list of captured frames (one tap's capture), returning
/// values: <see cref="VerifyPacket"/>, <see cref="VerifyNoPacket(IReadOnlyList{CapturedFrame}, PacketTemplate)"/>,
/// <see cref="VerifyNoOtherPackets"/>. Pure: no capture, no clock, the same answer every time.
/// </summary>
public static class PacketVerifier
{
    private const string PacketCheck = "verify packet";
    private const string NoPacketCheck = "verify no packet";
    private const string NoOtherCheck = "verify no other packets";

    /// <summary>Verifies that <paramref name="frames"/> hold a frame matching <paramref name="template"/>.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="template">The expected frame.</param>
    /// <param name="count">At least one match, or exactly one.</param>
    /// <returns>
    /// The result; on a failure with no match, the evidence is the closest frame (fewest differing
    /// compared bytes, the earliest on a tie); with too many matches, each match.
    /// </returns>
    public static VerificationResult VerifyPacket(IReadOnlyList<CapturedFrame> frames, PacketTemplate template, MatchCount count = MatchCount.AtLeastOne)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(template);
        var c = CultureInfo.InvariantCulture;
        var comparisons = frames.Select(f => template.Compare(f.Data)).ToList();
        var matches = Indices(comparisons, x => x.Matched);
        var matched = matches.Select(i => frames[i]).ToList();
        if (matches.Count == 1 || (matches.Count > 1 && count == MatchCount.AtLeastOne))
        {
            string summary = string.Create(c, $"{template.Description}: {Frames(matches.Count)} of {frames.Count} matched, first #{matches[0]}");
            return new VerificationResult(PacketCheck, true, summary, matched, []);
        }

        if (matches.Count > 1)
        {
            var evidence = matches.Select(i => new PacketEvidence(string.Create(c, $"match #{i}"), frames[i], i, comparisons[i])).ToList();
            string summary = string.Create(c, $"{template.Description}: {matches.Count} frames matched, exactly one expected");
            return new VerificationResult(PacketCheck, false, summary, matched, evidence);
        }

        if (frames.Count == 0)
        {
            return new VerificationResult(PacketCheck, false, $"{template.Description}: no frame captured", [], []);
        }

        int closest = Closest(comparisons);
        var nearest = comparisons[closest];
        var why = string.Create(c, $"closest of {Frames(frames.Count)}: #{closest}, {Count(nearest.Differences.Count, "differing byte")}, {Count(nearest.ChecksumProblems.Count, "wrong checksum")}");
        return new VerificationResult(
            PacketCheck,
            false,
            $"{template.Description}: {nearest.Summary}",
            [],
            [new PacketEvidence(why, frames[closest], closest, nearest)]);
    }

    /// <summary>Verifies that no frame in <paramref name="frames"/> matches <paramref name="template"/>.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="template">The frame that must not be seen.</param>
    /// <returns>The result; on a failure, each matching frame is evidence.</returns>
    public static VerificationResult VerifyNoPacket(IReadOnlyList<CapturedFrame> frames, PacketTemplate template)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(template);
        var c = CultureInfo.InvariantCulture;
        var comparisons = frames.Select(f => template.Compare(f.Data)).ToList();
        var matches = Indices(comparisons, x => x.Matched);
        if (matches.Count == 0)
        {
            return new VerificationResult(NoPacketCheck, true, string.Create(c, $"{template.Description}: no match among {Frames(frames.Count)}"), [], []);
        }

        var evidence = matches.Select(i => new PacketEvidence(string.Create(c, $"unwanted match #{i}"), frames[i], i, comparisons[i])).ToList();
        string summary = string.Create(c, $"{template.Description}: {Frames(matches.Count)} matched, none expected (first #{matches[0]})");
        return new VerificationResult(NoPacketCheck, false, summary, matches.Select(i => frames[i]).ToList(), evidence);
    }

    /// <summary>Verifies that no frame in <paramref name="frames"/> passes <paramref name="forbidden"/>.</summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="forbidden">The frames that must not be seen.</param>
    /// <returns>The result; on a failure, each such frame is evidence.</returns>
    public static VerificationResult VerifyNoPacket(IReadOnlyList<CapturedFrame> frames, FrameFilter forbidden)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(forbidden);
        var c = CultureInfo.InvariantCulture;
        var hits = Enumerable.Range(0, frames.Count).Where(i => forbidden.Matches(frames[i])).ToList();
        if (hits.Count == 0)
        {
            return new VerificationResult(NoPacketCheck, true, string.Create(c, $"{forbidden.Name}: none among {Frames(frames.Count)}"), [], []);
        }

        var evidence = hits.Select(i => new PacketEvidence(string.Create(c, $"unwanted frame #{i}"), frames[i], i, null)).ToList();
        string summary = string.Create(c, $"{forbidden.Name}: {Frames(hits.Count)} seen, none expected (first #{hits[0]})");
        return new VerificationResult(NoPacketCheck, false, summary, hits.Select(i => frames[i]).ToList(), evidence);
    }

    /// <summary>
    /// Verifies that every frame <paramref name="filter"/> keeps matches one of
    /// <paramref name="allowed"/>: anything else is unexpected (a frame forwarded twice, to the
    /// wrong server, a leak). Frames the filter leaves out (ARP, LLDP …) are not looked at.
    /// </summary>
    /// <param name="frames">The captured frames.</param>
    /// <param name="allowed">The frames that may be seen.</param>
    /// <param name="filter">The frames looked at.</param>
    /// <returns>The result; on a failure, each unexpected frame, compared with the closest allowed template.</returns>
    public static VerificationResult VerifyNoOtherPackets(IReadOnlyList<CapturedFrame> frames, IReadOnlyList<PacketTemplate> allowed, FrameFilter filter)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(filter);
        var c = CultureInfo.InvariantCulture;
        var evidence = new List<PacketEvidence>();
        var expected = new List<CapturedFrame>();
        int considered = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            if (!filter.Matches(frames[i]))
            {
                continue;
            }

            considered++;
            var comparisons = allowed.Select(t => t.Compare(frames[i].Data)).ToList();
            if (comparisons.Any(x => x.Matched))
            {
                expected.Add(frames[i]);
                continue;
            }

            if (comparisons.Count == 0)
            {
                evidence.Add(new PacketEvidence(string.Create(c, $"unexpected frame #{i}: no frame is allowed"), frames[i], i, null));
                continue;
            }

            var nearest = comparisons[Closest(comparisons)];
            evidence.Add(new PacketEvidence(
                string.Create(c, $"unexpected frame #{i}; closest allowed, {nearest.Template.Description}: {nearest.Summary}"),
                frames[i],
                i,
                nearest));
        }

        string summary = evidence.Count == 0
            ? string.Create(c, $"{Frames(considered)} ({filter.Name}) all expected")
            : string.Create(c, $"{Frames(evidence.Count)} of {considered} ({filter.Name}) unexpected: {evidence[0].Summary}");
        return new VerificationResult(NoOtherCheck, evidence.Count == 0, summary, expected, evidence);
    }

    private static List<int> Indices(List<FrameComparison> comparisons, Func<FrameComparison, bool> predicate) =>
        Enumerable.Range(0, comparisons.Count).Where(i => predicate(comparisons[i])).ToList();

    // Fewest differences; the first on a tie, so the answer does not depend on anything but order.
    private static int Closest(List<FrameComparison> comparisons)
    {
        int best = 0;
        for (int i = 1; i < comparisons.Count; i++)
        {
            if (comparisons[i].Distance < comparisons[best].Distance)
            {
                best = i;
            }
        }

        return best;
    }

    private static string Frames(int n) => Count(n, "frame");

    private static string Count(int n, string what) => string.Create(CultureInfo.InvariantCulture, $"{n} {what}{(n == 1 ? string.Empty : "s")}");
}
