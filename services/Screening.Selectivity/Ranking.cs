using Screening.Analysis.Curves;
using Screening.Analysis.Plates;
using Screening.Analysis.Selectivity;
using Screening.Protos.V1;

namespace Screening.Selectivity;

/// <summary>A compound's standing in one assay type: both targets aggregated, and the fold between them.</summary>
internal sealed record CompoundSummary(
    string CompoundId,
    Analysis.Plates.AssayType Assay,
    AggregatedPotency? Sert,
    AggregatedPotency? Net,
    bool SertIsKi,
    bool NetIsKi,
    SelectivityCall Call);

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
    };

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
/// The current ranking per assay type, rebuilt from the database on the first query after
/// a plate was stored (not on every query).
/// </summary>
internal sealed class RankingCache(ResultStore store)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Analysis.Plates.AssayType, bool, RankingOrder), (long Version, List<CompoundSummary> Ranking)> _rankings = [];
    private long _version;

    public void Invalidate() => Interlocked.Increment(ref _version);

    public async Task<List<CompoundSummary>> GetAsync(Analysis.Plates.AssayType assay, bool includeFailedQc, RankingOrder order, CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _version);
        var key = (assay, includeFailedQc, order);
        lock (_gate)
        {
            if (_rankings.TryGetValue(key, out var cached) && cached.Version == version)
            {
                return cached.Ranking;
            }
        }

        var rows = await store.CurvesAsync(assay.Name(), includeFailedQc, null, cancellationToken).ConfigureAwait(false);
        var ranking = Ranking.Order(Ranking.Summarize(rows, assay), order);
        lock (_gate)
        {
            _rankings[key] = (version, ranking);
        }

        return ranking;
    }
}
