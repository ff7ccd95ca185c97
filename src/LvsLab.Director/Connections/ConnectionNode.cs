using System.Runtime.InteropServices;

namespace LvsLab.Director.Connections;

/// <summary>
/// One slot of <see cref="ConnectionTable"/>'s node array: a connection with its links in one
/// of the table's two least-recently-used lists (embryonic connections, the others), by index into the same array (an intrusive list: no object per
/// entry). A free slot has <see cref="Older"/> = <see cref="FreeMark"/> and <see cref="Newer"/>
/// = the next free slot.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct ConnectionNode
{
    /// <summary>No node: the end of the list or of the free list.</summary>
    public const int None = -1;

    /// <summary><see cref="Older"/> of a slot on the free list.</summary>
    public const int FreeMark = -2;

    /// <summary>The connection's client-side key (eviction needs it to leave the index).</summary>
    public ConnectionKey Key;

    /// <summary>The connection.</summary>
    public ConnectionEntry Entry;

    /// <summary>The next less recently used node, <see cref="None"/> for the oldest, <see cref="FreeMark"/> when free.</summary>
    public int Older;

    /// <summary>The next more recently used node (<see cref="None"/> for the newest), or the next free slot.</summary>
    public int Newer;

    /// <summary>True while the node is in the table's list of embryonic connections rather than the list of the others.</summary>
    public bool Embryonic;

    /// <summary>True while the slot is on the free list.</summary>
    public readonly bool IsFree => Older == FreeMark;
}
