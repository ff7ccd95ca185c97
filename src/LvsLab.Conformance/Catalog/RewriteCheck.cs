using System.Globalization;
using LvsLab.Testing.Capture;
using LvsLab.Testing.Expectations;

namespace LvsLab.Conformance.Catalog;

/// <summary>
/// The check behind every rewrite case: each frame of a kind seen leaving the forwarder must be
/// the model's rewrite of some frame that entered it, and as many must leave as entered.
/// </summary>
internal static class RewriteCheck
{
    /// <param name="entered">Frames that entered the forwarder.</param>
    /// <param name="left">Frames seen on the way out (all of them; <paramref name="kind"/> picks the ones judged).</param>
    /// <param name="models">Every rewrite the forwarder may apply (one per real server).</param>
    /// <param name="kind">Which leaving frames are judged.</param>
    /// <param name="evidence">Where findings go.</param>
    /// <returns>Whether every judged frame matched and none went missing.</returns>
    public static bool Holds(IReadOnlyList<CapturedFrame> entered, IReadOnlyList<CapturedFrame> left, IReadOnlyList<IRewriteModel> models, FrameFilter kind, List<string> evidence)
    {
        var allowed = entered.SelectMany(f => models.Select(m => m.Expect(f.Data))).ToList();
        var result = PacketVerifier.VerifyNoOtherPackets(left, allowed, kind);
        var judged = left.Count(kind.Matches);
        evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{entered.Count} frames in, {judged} out ({kind.Name}), {result.Matches.Count} matching the {models[0].Method} rewrite of a frame in"));
        if (!result.Passed)
        {
            evidence.Add(result.ToString());
        }

        if (entered.Count == 0)
        {
            evidence.Add("no frame entered: nothing to judge");
        }
        else if (result.Matches.Count < entered.Count)
        {
            evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{entered.Count - result.Matches.Count} frame(s) in had no rewritten frame out"));
        }

        return result.Passed && entered.Count > 0 && result.Matches.Count >= entered.Count;
    }
}
