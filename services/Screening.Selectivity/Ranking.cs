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
    SelectivityCall Call)
{
    /// <summary>The other assay type prefers the other transporter.</summary>
    public bool AssaysDisagree { get; init; }
}

internal static class Ranking
{
    /// <summary>Aggregates the curves of one assay type per compound and target, then compares SERT with NET.</summary>
    public static List<CompoundSummary> Summarize(IEnumerable<CurveRow> rows, Analysis.Plates.AssayType assay) =>
        rows.GroupBy(r => r.CompoundId, StringComparer.Ordinal).Select(c => SummarizeCompound(c.Key, c, assay)).ToList();

    /// <summary>One compound's curves of one assay type aggregated per target and compared.</summary>
    public static CompoundSummary SummarizeCompound(string compoundId, IEnumerable<CurveRow> rows, Analysis.Plates.AssayType assay)
    {
        // Plate order fixed (ordinal), so replicate means are bit-for-bit the same whatever
        // order the database returned the rows in.
        var sertRows = rows.Where(r => r.Target == "SERT").OrderBy(r => r.PlateId, StringComparer.Ordinal).ToArray();
        var netRows = rows.Where(r => r.Target == "NET").OrderBy(r => r.PlateId, StringComparer.Ordinal).ToArray();
        var sert = Aggregate(sertRows);
        var net = Aggregate(netRows);
        return new CompoundSummary(
            compoundId,
            assay,
            sert,
            net,
            sertRows.Length > 0 && sertRows.All(r => r.IsKi),
            netRows.Length > 0 && netRows.All(r => r.IsKi),
            SelectivityFold.Compare(sert, net));
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
