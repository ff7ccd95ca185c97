namespace LvsLab.Director.Connections;

/// <summary>
/// A persistence template: the real server a client network sticks to on a persistent service.
/// It expires <see cref="ExpiresAtMilliseconds"/> (the service's persistence timeout after the
/// last connection it placed), but never while <see cref="Controlled"/> connections it placed
/// are still in the table — as an IPVS template outlives the connections it controls.
/// </summary>
/// <param name="RealServerIndex">Index of the real server in the service.</param>
/// <param name="CreatedAtMilliseconds">When the template was created.</param>
/// <param name="ExpiresAtMilliseconds">When it expires unless a new connection uses it or it still controls one.</param>
/// <param name="Controlled">Connections in the table that it placed.</param>
public readonly record struct PersistenceTemplate(int RealServerIndex, long CreatedAtMilliseconds, long ExpiresAtMilliseconds, int Controlled)
{
    /// <summary>Which template this is among those that had the same key (a template removed and created again is a new one).</summary>
    public long Generation { get; init; }

    /// <summary>True when the template is gone at <paramref name="nowMilliseconds"/>: past its expiry and controlling nothing.</summary>
    /// <param name="nowMilliseconds">The current time.</param>
    /// <returns>True when expired.</returns>
    public bool IsExpired(long nowMilliseconds) => nowMilliseconds >= ExpiresAtMilliseconds && Controlled <= 0;
}
