using Screening.Protos.V1;

namespace Screening.Selectivity;

/// <summary>
/// What ordering, filtering and the web view's columns need of a compound's standing in one
/// ranking, kept in memory for every compound (32 bytes): the full summary is computed from
/// the compound's curves when a page shows it.
/// </summary>
internal readonly record struct RankPoint(double Log10Fold, double SertPotency, double NetPotency, Analysis.Selectivity.Preference Preference)
{
    public bool IsDetermined => double.IsFinite(Log10Fold);

    /// <summary>
    /// Ascending key of the SERT-selective-first order: highest fold first (a bound at its
    /// bound), compounds without a determined fold last.
    /// </summary>
    public double SortKey => IsDetermined ? -Log10Fold : double.PositiveInfinity;

    public static RankPoint Of(CompoundSummary summary) => new(
        summary.Call.Log10Fold,
        summary.Sert?.MeanPotency ?? double.NaN,
        summary.Net?.MeanPotency ?? double.NaN,
        summary.Call.Preference);
}

/// <summary>A compound in a ranking.</summary>
internal readonly record struct RankEntry(string CompoundId, RankPoint Point);

/// <summary>Orders entries SERT-selective first: by <see cref="RankPoint.SortKey"/>, then by compound id (ordinal).</summary>
internal sealed class RankEntryComparer : IComparer<RankEntry>
{
    public static readonly RankEntryComparer Instance = new();

    public int Compare(RankEntry x, RankEntry y)
    {
        var byKey = x.Point.SortKey.CompareTo(y.Point.SortKey);
        return byKey != 0 ? byKey : string.CompareOrdinal(x.CompoundId, y.CompoundId);
    }
}

/// <summary>
/// An immutable, ordered ranking of one assay type: positions in either order in O(1) or
/// O(log n), so a page or a compound's rank costs the same at a million compounds as at ten.
/// Stored SERT-selective first; the NET-selective-first order is the determined part read
/// backwards, ties (equal folds) still by compound id, then the undetermined part as it is.
/// </summary>
internal sealed class RankingSnapshot
{
    public static readonly RankingSnapshot Empty = new([]);

    private readonly RankEntry[] _entries;

    /// <param name="entries">Sorted with <see cref="RankEntryComparer"/>; the snapshot keeps the array.</param>
    public RankingSnapshot(RankEntry[] entries)
    {
        _entries = entries;
        Determined = LowerBound(double.PositiveInfinity);
    }

    public int Count => _entries.Length;

    /// <summary>Compounds with a determined fold (they come first in either order).</summary>
    public int Determined { get; }

    /// <summary>The entry at a 0-based position of the given order.</summary>
    public RankEntry At(int position, RankingOrder order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Count);
        if (order != RankingOrder.NetSelectiveFirst || position >= Determined)
        {
            return _entries[position];
        }

        // Mirror position among the determined, then undo the mirroring inside the tie block.
        var key = _entries[Determined - 1 - position].Point.SortKey;
        var low = LowerBound(key);
        var high = UpperBound(key);
        return _entries[low + (position - (Determined - high))];
    }

    /// <summary>The 0-based position of an entry (its exact point and id) in the given order; -1 when absent.</summary>
    public int PositionOf(RankEntry entry, RankingOrder order)
    {
        var index = Array.BinarySearch(_entries, entry, RankEntryComparer.Instance);
        if (index < 0 || _entries[index].Point != entry.Point)
        {
            return -1;
        }

        if (order != RankingOrder.NetSelectiveFirst || index >= Determined)
        {
            return index;
        }

        var key = entry.Point.SortKey;
        return Determined - UpperBound(key) + (index - LowerBound(key));
    }

    /// <summary>Every entry in the given order (a pass over the array; no lookups).</summary>
    public IEnumerable<RankEntry> InOrder(RankingOrder order)
    {
        if (order != RankingOrder.NetSelectiveFirst)
        {
            foreach (var entry in _entries)
            {
                yield return entry;
            }

            yield break;
        }

        // Tie blocks from the last (least SERT-selective) to the first, each by id.
        var end = Determined;
        while (end > 0)
        {
            var start = end - 1;
            var key = _entries[start].Point.SortKey;
            while (start > 0 && _entries[start - 1].Point.SortKey == key)
            {
                start--;
            }

            for (var i = start; i < end; i++)
            {
                yield return _entries[i];
            }

            end = start;
        }

        for (var i = Determined; i < _entries.Length; i++)
        {
            yield return _entries[i];
        }
    }

    /// <summary>
    /// A new snapshot: this one without <paramref name="removed"/> (entries it holds) and with
    /// <paramref name="added"/>, in one merge pass.
    /// </summary>
    public RankingSnapshot With(List<RankEntry> removed, List<RankEntry> added)
    {
        var skip = new int[removed.Count];
        for (var i = 0; i < removed.Count; i++)
        {
            skip[i] = Array.BinarySearch(_entries, removed[i], RankEntryComparer.Instance);
            if (skip[i] < 0)
            {
                throw new InvalidOperationException($"Ranking snapshot lost compound {removed[i].CompoundId}.");
            }
        }

        Array.Sort(skip);
        added.Sort(RankEntryComparer.Instance);
        var merged = new RankEntry[_entries.Length - skip.Length + added.Count];
        int from = 0, next = 0, skipped = 0, to = 0;
        while (from < _entries.Length || next < added.Count)
        {
            if (skipped < skip.Length && from == skip[skipped])
            {
                from++;
                skipped++;
                continue;
            }

            if (next < added.Count && (from == _entries.Length || RankEntryComparer.Instance.Compare(added[next], _entries[from]) < 0))
            {
                merged[to++] = added[next++];
            }
            else
            {
                merged[to++] = _entries[from++];
            }
        }

        return new RankingSnapshot(merged);
    }

    /// <summary>First index whose key is at least <paramref name="key"/>.</summary>
    private int LowerBound(double key)
    {
        int low = 0, high = _entries.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_entries[mid].Point.SortKey < key)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>First index whose key is above <paramref name="key"/>.</summary>
    private int UpperBound(double key)
    {
        int low = 0, high = _entries.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_entries[mid].Point.SortKey <= key)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
