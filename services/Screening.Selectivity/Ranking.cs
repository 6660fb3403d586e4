using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;
using Screening.Analysis.Selectivity;
using Screening.Protos.V1;
using Screening.ServiceDefaults;

namespace Screening.Selectivity;

/// <summary>A compound's standing in one assay type: both targets aggregated, and the fold between them.</summary>
internal sealed record CompoundSummary(
    string CompoundId,
    Analysis.Plates.AssayType Assay,
    AggregatedPotency? Sert,
    AggregatedPotency? Net,
    bool SertIsKi,
    bool NetIsKi,
    SelectivityCall Call)
{
    /// <summary>The other assay type prefers the other transporter.</summary>
    public bool AssaysDisagree { get; init; }
}

internal static class Ranking
{
    /// <summary>Aggregates the curves of one assay type per compound and target, then compares SERT with NET.</summary>
    public static List<CompoundSummary> Summarize(IEnumerable<CurveRow> rows, Analysis.Plates.AssayType assay)
    {
        var summaries = new List<CompoundSummary>();
        foreach (var compound in rows.GroupBy(r => r.CompoundId, StringComparer.Ordinal))
        {
            // Plate order fixed (ordinal), so replicate means are bit-for-bit the same whatever
            // order the database returned the rows in.
            var sertRows = compound.Where(r => r.Target == "SERT").OrderBy(r => r.PlateId, StringComparer.Ordinal).ToArray();
            var netRows = compound.Where(r => r.Target == "NET").OrderBy(r => r.PlateId, StringComparer.Ordinal).ToArray();
            var sert = Aggregate(sertRows);
            var net = Aggregate(netRows);
            summaries.Add(new CompoundSummary(
                compound.Key,
                assay,
                sert,
                net,
                sertRows.Length > 0 && sertRows.All(r => r.IsKi),
                netRows.Length > 0 && netRows.All(r => r.IsKi),
                SelectivityFold.Compare(sert, net)));
        }

        return summaries;
    }

    /// <summary>
    /// SERT-selective first: by log fold, highest first (a bound ranks at its bound);
    /// compounds without a determined fold last, by id. The other order reverses the determined part.
    /// </summary>
    public static List<CompoundSummary> Order(IEnumerable<CompoundSummary> summaries, RankingOrder order)
    {
        var determined = summaries.Where(s => s.Call.IsDetermined);
        var ordered = order == RankingOrder.NetSelectiveFirst
            ? determined.OrderBy(s => s.Call.Log10Fold).ThenBy(s => s.CompoundId, StringComparer.Ordinal)
            : determined.OrderByDescending(s => s.Call.Log10Fold).ThenBy(s => s.CompoundId, StringComparer.Ordinal);
        return ordered
            .Concat(summaries.Where(s => !s.Call.IsDetermined).OrderBy(s => s.CompoundId, StringComparer.Ordinal))
            .ToList();
    }

    public static RankedCompound ToProto(CompoundSummary s, int rank) => new()
    {
        Rank = (uint)rank,
        CompoundId = s.CompoundId,
        Assay = s.Assay.ToProto(),
        Sert = ToProto(s.Sert, s.SertIsKi),
        Net = ToProto(s.Net, s.NetIsKi),
        SelectivityFold = CurveMapping.Finite(s.Call.Fold),
        SelectivityQualifier = s.Call.IsDetermined ? s.Call.Qualifier.ToProto() : Protos.V1.Qualifier.Unspecified,
        SelectivityCi95Low = CurveMapping.Finite(s.Call.Ci95Low),
        SelectivityCi95High = CurveMapping.Finite(s.Call.Ci95High),
        Preference = s.Call.Preference switch
        {
            Analysis.Selectivity.Preference.Sert => Protos.V1.Preference.Sert,
            Analysis.Selectivity.Preference.Net => Protos.V1.Preference.Net,
            _ => Protos.V1.Preference.None,
        },
        AssaysDisagree = s.AssaysDisagree,
    };

    /// <summary>
    /// Marks compounds whose binding and uptake folds point in opposite directions (one above
    /// 1-fold, the other below) while at least one of the two is a definite preference.
    /// </summary>
    public static (List<CompoundSummary> Binding, List<CompoundSummary> Uptake) MarkDisagreements(List<CompoundSummary> binding, List<CompoundSummary> uptake)
    {
        var uptakeCalls = uptake.ToDictionary(s => s.CompoundId, s => s.Call, StringComparer.Ordinal);
        var disagree = binding
            .Where(s => uptakeCalls.TryGetValue(s.CompoundId, out var other)
                && s.Call.IsDetermined && other.IsDetermined
                && Math.Sign(s.Call.Log10Fold) * Math.Sign(other.Log10Fold) < 0
                && (s.Call.Preference != Analysis.Selectivity.Preference.None || other.Preference != Analysis.Selectivity.Preference.None))
            .Select(s => s.CompoundId)
            .ToHashSet(StringComparer.Ordinal);
        return (Mark(binding, disagree), Mark(uptake, disagree));
    }

    private static List<CompoundSummary> Mark(List<CompoundSummary> summaries, HashSet<string> disagree) =>
        summaries.Select(s => disagree.Contains(s.CompoundId) ? s with { AssaysDisagree = true } : s).ToList();

    private static TargetPotency? ToProto(AggregatedPotency? p, bool isKi) => p is null ? null : new TargetPotency
    {
        Ki = new Concentration
        {
            ValueNm = CurveMapping.Finite(p.Nanomolar),
            Qualifier = p.Qualifier.ToProto(),
            Ci95LowNm = CurveMapping.Finite(p.Ci95LowNanomolar),
            Ci95HighNm = CurveMapping.Finite(p.Ci95HighNanomolar),
        },
        MeanPki = p.MeanPotency,
        PkiSd = CurveMapping.Finite(p.StandardDeviation),
        Replicates = (uint)(p.Replicates + p.CensoredReplicates),
        IsIc50 = !isKi,
    };

    private static AggregatedPotency? Aggregate(CurveRow[] rows)
    {
        if (rows.Length == 0)
        {
            return null;
        }

        var observations = new PotencyObservation[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            observations[i] = new PotencyObservation(r.LogPotency, r.PotencySe, r.DegreesOfFreedom, CurveMapping.ParseQualifier(r.Qualifier));
        }

        return ReplicateAggregate.Combine(observations);
    }
}

/// <summary>
/// The current rankings of both assay types, rebuilt from the database on the first query
/// after a plate was stored (not on every query).
/// </summary>
internal sealed class RankingCache : IDisposable
{
    // One gauge for the process, reading every live cache (an in-process test host may hold several).
    private static readonly ConcurrentDictionary<RankingCache, byte> Live = new();

    private static readonly ObservableGauge<int> Size = Telemetry.Meter.CreateObservableGauge(
        "screening.ranking.size",
        () => Live.Keys.SelectMany(c => c.Sizes()),
        "{compound}",
        "Compounds in the QC-passed ranking of each assay type, as of the last ranking built.");

    private readonly ResultStore _store;
    private readonly Lock _gate = new();
    private int _bindingSize = -1;
    private int _uptakeSize = -1;

    public RankingCache(ResultStore store)
    {
        _store = store;
        _ = Size;
        Live.TryAdd(this, 0);
    }

    public void Dispose() => Live.TryRemove(this, out _);

    private IEnumerable<Measurement<int>> Sizes()
    {
        if (Volatile.Read(ref _bindingSize) is var binding and >= 0)
        {
            yield return new Measurement<int>(binding, new KeyValuePair<string, object?>("plate.assay", Analysis.Plates.AssayType.Binding.Name()));
        }

        if (Volatile.Read(ref _uptakeSize) is var uptake and >= 0)
        {
            yield return new Measurement<int>(uptake, new KeyValuePair<string, object?>("plate.assay", Analysis.Plates.AssayType.Uptake.Name()));
        }
    }

    private readonly Dictionary<(Analysis.Plates.AssayType, bool, RankingOrder), (long Version, List<CompoundSummary> Ranking)> _rankings = [];
    private long _version;

    public void Invalidate() => Interlocked.Increment(ref _version);

    public async Task<List<CompoundSummary>> GetAsync(Analysis.Plates.AssayType assay, bool includeFailedQc, RankingOrder order, CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _version);
        lock (_gate)
        {
            if (_rankings.TryGetValue((assay, includeFailedQc, order), out var cached) && cached.Version == version)
            {
                return cached.Ranking;
            }
        }

        // Both assay types together: each ranking flags where the other disagrees.
        var (binding, uptake) = Ranking.MarkDisagreements(
            await SummarizeAsync(Analysis.Plates.AssayType.Binding, includeFailedQc, cancellationToken).ConfigureAwait(false),
            await SummarizeAsync(Analysis.Plates.AssayType.Uptake, includeFailedQc, cancellationToken).ConfigureAwait(false));
        if (!includeFailedQc)
        {
            Volatile.Write(ref _bindingSize, binding.Count);
            Volatile.Write(ref _uptakeSize, uptake.Count);
        }

        lock (_gate)
        {
            foreach (var o in new[] { RankingOrder.SertSelectiveFirst, RankingOrder.NetSelectiveFirst })
            {
                _rankings[(Analysis.Plates.AssayType.Binding, includeFailedQc, o)] = (version, Ranking.Order(binding, o));
                _rankings[(Analysis.Plates.AssayType.Uptake, includeFailedQc, o)] = (version, Ranking.Order(uptake, o));
            }

            return _rankings[(assay, includeFailedQc, order)].Ranking;
        }
    }

    private async Task<List<CompoundSummary>> SummarizeAsync(Analysis.Plates.AssayType assay, bool includeFailedQc, CancellationToken cancellationToken)
    {
        var rows = await _store.CurvesAsync(assay.Name(), includeFailedQc, null, cancellationToken).ConfigureAwait(false);
        return Ranking.Summarize(rows, assay);
    }
}
