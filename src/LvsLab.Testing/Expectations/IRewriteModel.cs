namespace LvsLab.Testing.Expectations;

/// <summary>
/// What a director is expected to do to a frame it forwards: a function from the frame it
/// received to the template of the frame it should send.
/// </summary>
public interface IRewriteModel
{
    /// <summary>The forwarding method, e.g. <c>DR</c>.</summary>
    string Method { get; }

    /// <summary>The template of the frame the director should send for <paramref name="inbound"/>.</summary>
    /// <param name="inbound">The whole Ethernet frame the director received.</param>
    /// <returns>The expected frame, masked where the method leaves fields free.</returns>
    PacketTemplate Expect(ReadOnlySpan<byte> inbound);
}
