namespace LvsLab.Director.Sync;

/// <summary>
/// One direction's sequence-number adjustment of a NAT connection whose payload a helper
/// resized (the kernel's <c>struct ip_vs_seq</c> as synchronised: three 32-bit fields).
/// </summary>
/// <param name="InitialSequence">Adjust from this sequence number on (<c>init_seq</c>).</param>
/// <param name="Delta">The adjustment (<c>delta</c>).</param>
/// <param name="PreviousDelta">The adjustment before the last resized packet (<c>previous_delta</c>).</param>
public readonly record struct SyncSequence(uint InitialSequence, uint Delta, uint PreviousDelta);
