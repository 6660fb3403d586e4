namespace Screening.Selectivity;

/// <summary>
/// One ranking (an assay type, with or without failed-QC plates) as it changes: every
/// compound's current point, and the ordered snapshot readers page through. Changes are
/// collected and merged into a new snapshot on the next read, in one pass (a sort of the
/// changed compounds only), so a stream of plates never re-sorts a million compounds.
/// </summary>
internal sealed class RankingView
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RankPoint> _points = new(StringComparer.Ordinal);

    // Changed since _snapshot was built: the snapshot's old entries, and the new points (null: gone).
    private readonly List<RankEntry> _removed = [];
    private readonly Dictionary<string, RankPoint?> _pending = new(StringComparer.Ordinal);
    private RankingSnapshot _snapshot = RankingSnapshot.Empty;

    public RankingView(IEnumerable<RankEntry> entries)
    {
        foreach (var entry in entries)
        {
            _points.Add(entry.CompoundId, entry.Point);
        }

        var sorted = _points.Select(p => new RankEntry(p.Key, p.Value)).ToArray();
        Array.Sort(sorted, RankEntryComparer.Instance);
        _snapshot = new RankingSnapshot(sorted);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _points.Count;
            }
        }
    }

    /// <summary>Sets a compound's point, or removes the compound (null).</summary>
    public void Apply(string compoundId, RankPoint? point)
    {
        lock (_gate)
        {
            var known = _points.TryGetValue(compoundId, out var old);
            if (known ? point == old : point is null)
            {
                return;
            }

            // A compound not yet pending still has its snapshot entry: that one goes.
            if (known && !_pending.ContainsKey(compoundId))
            {
                _removed.Add(new RankEntry(compoundId, old));
            }

            if (point is { } p)
            {
                _points[compoundId] = p;
            }
            else
            {
                _points.Remove(compoundId);
            }

            _pending[compoundId] = point;
        }
    }

    /// <summary>The current ordered ranking (merges pending changes first).</summary>
    public RankingSnapshot Snapshot()
    {
        lock (_gate)
        {
            return Current();
        }
    }

    /// <summary>The current snapshot and the compound's entry in it; null when the compound is not ranked.</summary>
    public (RankingSnapshot Snapshot, RankEntry Entry)? Locate(string compoundId)
    {
        lock (_gate)
        {
            var snapshot = Current();
            return _points.TryGetValue(compoundId, out var point) ? (snapshot, new RankEntry(compoundId, point)) : null;
        }
    }

    private RankingSnapshot Current()
    {
        if (_pending.Count > 0)
        {
            var added = new List<RankEntry>(_pending.Count);
            foreach (var (id, point) in _pending)
            {
                if (point is { } p)
                {
                    added.Add(new RankEntry(id, p));
                }
            }

            _snapshot = _snapshot.With(_removed, added);
            _removed.Clear();
            _pending.Clear();
        }

        return _snapshot;
    }
}
