using System.Diagnostics;

namespace Screening.Cli.Bench;

/// <summary>Where a plate of a bench run is.</summary>
internal enum BenchPlateState
{
    NotSent,
    InFlight,

    /// <summary>Accepted and stored; waiting for its RankingUpdate.</summary>
    Accepted,

    /// <summary>Its RankingUpdate arrived: the only state with a submit-to-ranked latency.</summary>
    Ranked,

    /// <summary>Ingestion says RANKED or FAILED_QC, but no RankingUpdate was seen (the watch stream dropped it, or it came before the stream).</summary>
    RankedUnseen,

    /// <summary>Ingestion says FAILED: fitting gave up, so Selectivity never ranks it.</summary>
    Failed,

    Rejected,

    /// <summary>An identical plate was already accepted: nothing new is stored, so nothing is ranked again.</summary>
    Duplicate,
}

/// <summary>
/// Per plate of a run: its state and monotonic timestamps (<see cref="Stopwatch.GetTimestamp"/>) of the
/// submission, the acceptance and the RankingUpdate. Written by the submitters, the watch stream and
/// the status sweep at once, so every change goes through one lock (a few thousand a second at most).
/// </summary>
internal sealed class BenchLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _index;
    private readonly BenchPlateState[] _states;
    private readonly long[] _submitted;
    private readonly long[] _accepted;
    private readonly long[] _ranked;
    private readonly bool[] _belowQc;
    private int _finished;
    private int _outstanding;
    private long _lastProgress = Stopwatch.GetTimestamp();

    public BenchLedger(IReadOnlyList<string> plateIds)
    {
        ArgumentNullException.ThrowIfNull(plateIds);
        _index = new Dictionary<string, int>(plateIds.Count, StringComparer.Ordinal);
        for (var i = 0; i < plateIds.Count; i++)
        {
            _index.Add(plateIds[i], i);
        }

        PlateIds = plateIds;
        _states = new BenchPlateState[plateIds.Count];
        _submitted = new long[plateIds.Count];
        _accepted = new long[plateIds.Count];
        _ranked = new long[plateIds.Count];
        _belowQc = new bool[plateIds.Count];
    }

    public IReadOnlyList<string> PlateIds { get; }

    public int Count => PlateIds.Count;

    /// <summary>Plates ranked (seen or not) or failed: nothing more will happen to them.</summary>
    public int Finished => Volatile.Read(ref _finished);

    /// <summary>Plates accepted and not yet finished.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>When a plate last finished.</summary>
    public long LastProgress => Interlocked.Read(ref _lastProgress);

    public void Sent(int plate, long at)
    {
        lock (_gate)
        {
            _submitted[plate] = at;
            if (_states[plate] == BenchPlateState.NotSent)
            {
                _states[plate] = BenchPlateState.InFlight;
            }
        }
    }

    public void Accepted(int plate, long at, bool duplicate, bool belowQc)
    {
        lock (_gate)
        {
            _accepted[plate] = at;
            _belowQc[plate] = belowQc;
            if (_states[plate] == BenchPlateState.InFlight)
            {
                // The update may beat the response home: then the plate is already Ranked.
                _states[plate] = duplicate ? BenchPlateState.Duplicate : BenchPlateState.Accepted;
                _outstanding += duplicate ? 0 : 1;
            }
        }
    }

    public void Rejected(int plate)
    {
        lock (_gate)
        {
            _states[plate] = BenchPlateState.Rejected;
        }
    }

    /// <summary>A RankingUpdate for <paramref name="plateId"/>; false when the plate is not one of this run's.</summary>
    public bool RankingUpdate(string plateId, long at)
    {
        if (!_index.TryGetValue(plateId, out var plate))
        {
            return false;
        }

        lock (_gate)
        {
            if (_ranked[plate] != 0)
            {
                return true;
            }

            _ranked[plate] = at;
            var state = _states[plate];
            if (state is BenchPlateState.InFlight or BenchPlateState.Accepted or BenchPlateState.RankedUnseen or BenchPlateState.Failed)
            {
                _states[plate] = BenchPlateState.Ranked;
                if (state is BenchPlateState.InFlight or BenchPlateState.Accepted)
                {
                    _outstanding -= state == BenchPlateState.Accepted ? 1 : 0;
                    Progress(at);
                }
            }
        }

        return true;
    }

    /// <summary>What Ingestion said about a plate that is still waiting for its update.</summary>
    public void Swept(int plate, bool failed, long at)
    {
        lock (_gate)
        {
            if (_states[plate] == BenchPlateState.Accepted)
            {
                _states[plate] = failed ? BenchPlateState.Failed : BenchPlateState.RankedUnseen;
                _outstanding--;
                Progress(at);
            }
        }
    }

    /// <summary>Plates accepted and not yet finished, in submission order.</summary>
    public IReadOnlyList<int> Waiting()
    {
        lock (_gate)
        {
            return Enumerable.Range(0, Count).Where(i => _states[i] == BenchPlateState.Accepted).ToArray();
        }
    }

    public BenchPlateState State(int plate)
    {
        lock (_gate)
        {
            return _states[plate];
        }
    }

    /// <summary>A consistent copy of every plate's state and timestamps, for the report.</summary>
    public IReadOnlyList<BenchPlateRecord> Snapshot()
    {
        lock (_gate)
        {
            return Enumerable.Range(0, Count)
                .Select(i => new BenchPlateRecord(PlateIds[i], _states[i], _submitted[i], _accepted[i], _ranked[i], _belowQc[i]))
                .ToArray();
        }
    }

    private void Progress(long at)
    {
        _finished++;
        Interlocked.Exchange(ref _lastProgress, at);
    }
}

/// <summary>One plate's fate and Stopwatch timestamps (0 when it did not happen).</summary>
internal sealed record BenchPlateRecord(string PlateId, BenchPlateState State, long Submitted, long Accepted, long Ranked, bool BelowQc);
