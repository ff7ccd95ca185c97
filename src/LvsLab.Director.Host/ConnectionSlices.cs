using LvsLab.Director.Connections;
using LvsLab.Director.Rules;

namespace LvsLab.Director.Host;

/// <summary>
/// A walk over a live director's connection table a slice at a time, for the readers that must
/// not hold up the frames (the <c>-Lnc</c> listing, the sync daemon): each <see cref="Next"/>
/// copies the next slice into the caller's array under the engine's lock, with the rules the
/// entries are indexed by and the time, and the caller works on it with the lock free. No
/// allocation; not one atomic picture (a connection that comes or goes meanwhile may be missed
/// or seen), as the kernel's own listing.
/// </summary>
internal struct ConnectionSlices
{
    private readonly LiveDirector director;
    private readonly KeyValuePair<ConnectionKey, ConnectionEntry>[] slice;
    private readonly int length;
    private readonly bool onlyWhileMaster;
    private int slot;

    /// <summary>Starts a walk copying at most <paramref name="length"/> entries into <paramref name="slice"/> per step.</summary>
    /// <param name="director">The director.</param>
    /// <param name="slice">Where each slice is copied (at least <paramref name="length"/> long).</param>
    /// <param name="length">Entries per take of the lock.</param>
    /// <param name="onlyWhileMaster">Stop as soon as the director stands by (a VRRP backup has nothing to send).</param>
    public ConnectionSlices(LiveDirector director, KeyValuePair<ConnectionKey, ConnectionEntry>[] slice, int length, bool onlyWhileMaster = false)
    {
        this.director = director;
        this.slice = slice;
        this.length = length;
        this.onlyWhileMaster = onlyWhileMaster;
        Rules = director.Engine.Rules;
    }

    /// <summary>How many entries the last step copied (the first <see cref="Count"/> of the slice).</summary>
    public int Count { get; private set; }

    /// <summary>The rules the last slice's entries are indexed by.</summary>
    public RuleSet Rules { get; private set; }

    /// <summary>The director's clock when the last slice was taken, in milliseconds.</summary>
    public long Now { get; private set; }

    /// <summary>The persistence templates (few: one per persistent service and client network), copied at once, with their rules and time.</summary>
    public static (KeyValuePair<PersistenceKey, PersistenceTemplate>[] Templates, RuleSet Rules, long Now) Templates(LiveDirector director)
    {
        lock (director.Gate)
        {
            return ([.. director.Engine.Connections.Templates], director.Engine.Rules, director.NowMilliseconds);
        }
    }

    /// <summary>Copies the next slice; false when the table is done (or, when only while master, the director stands by).</summary>
    public bool Next()
    {
        if (slot < 0)
        {
            return false;
        }

        lock (director.Gate)
        {
            if (onlyWhileMaster && director.Engine.Standby)
            {
                slot = -1;
                return false;
            }

            Count = director.Engine.Connections.CopyEntries(slot, slice.AsSpan(0, length), out slot);
            Rules = director.Engine.Rules;
            Now = director.NowMilliseconds;
        }

        return true;
    }
}
