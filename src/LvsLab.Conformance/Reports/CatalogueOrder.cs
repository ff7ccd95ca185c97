using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// The catalogue's stable order of cases: by mode (dr, nat, tun, then any other mode by name), then by
/// ID in natural order, so <c>DR-ARP-1</c> &lt; <c>DR-ARP-2</c> &lt; <c>DR-ARP-10</c>.
/// </summary>
public sealed class CatalogueOrder : IComparer<CaseOutcome>
{
    private static readonly string[] Modes = ["dr", "nat", "tun"];

    private CatalogueOrder()
    {
    }

    /// <summary>The one instance.</summary>
    public static CatalogueOrder Instance { get; } = new();

    /// <summary>Compares two cases by mode, then ID.</summary>
    /// <param name="x">A case.</param>
    /// <param name="y">Another case.</param>
    /// <returns>Negative when <paramref name="x"/> comes first, positive when <paramref name="y"/> does, zero when they share mode and ID.</returns>
    public int Compare(CaseOutcome? x, CaseOutcome? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        return Compare(x.Mode, x.Id, y.Mode, y.Id);
    }

    /// <summary>Compares two cases given by mode and ID.</summary>
    /// <param name="modeX">The first case's mode.</param>
    /// <param name="idX">The first case's ID.</param>
    /// <param name="modeY">The second case's mode.</param>
    /// <param name="idY">The second case's ID.</param>
    /// <returns>Negative when the first comes first, positive when the second does, zero when they are the same case.</returns>
    public static int Compare(string modeX, string idX, string modeY, string idY)
    {
        var byMode = CompareModes(modeX, modeY);
        return byMode != 0 ? byMode : CompareIds(idX, idY);
    }

    /// <summary>Compares modes: dr, nat, tun, then any other mode by name.</summary>
    /// <param name="x">A mode.</param>
    /// <param name="y">Another mode.</param>
    /// <returns>The order.</returns>
    public static int CompareModes(string x, string y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int Rank(string mode)
        {
            var i = Array.IndexOf(Modes, mode);
            return i < 0 ? Modes.Length : i;
        }

        var byRank = Rank(x).CompareTo(Rank(y));
        return byRank != 0 ? byRank : string.CompareOrdinal(x, y);
    }

    /// <summary>
    /// Compares IDs in natural order: runs of digits by their number, other runs by ordinal text
    /// (<c>DR-ARP-2</c> &lt; <c>DR-ARP-10</c>); IDs equal that way are ordered by ordinal text.
    /// </summary>
    /// <param name="x">An ID.</param>
    /// <param name="y">Another ID.</param>
    /// <returns>The order.</returns>
    public static int CompareIds(string x, string y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            var digitsX = char.IsAsciiDigit(x[i]);
            var digitsY = char.IsAsciiDigit(y[j]);
            var endX = RunEnd(x, i, digitsX);
            var endY = RunEnd(y, j, digitsY);
            var runX = x.AsSpan(i, endX - i);
            var runY = y.AsSpan(j, endY - j);
            int order;
            if (digitsX && digitsY)
            {
                var numberX = runX.TrimStart('0');
                var numberY = runY.TrimStart('0');
                order = numberX.Length != numberY.Length
                    ? numberX.Length.CompareTo(numberY.Length)
                    : numberX.SequenceCompareTo(numberY);
            }
            else
            {
                order = runX.SequenceCompareTo(runY);
            }

            if (order != 0)
            {
                return order;
            }

            i = endX;
            j = endY;
        }

        var byRest = (x.Length - i).CompareTo(y.Length - j);
        return byRest != 0 ? byRest : string.CompareOrdinal(x, y);
    }

    private static int RunEnd(string text, int start, bool digits)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]) == digits)
        {
            end++;
        }

        return end;
    }
}
