using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Affinity;

/// <summary>
/// 200 random compounds (ReferencePanel.Random) on simulated 384-well plates, all four assays, two
/// replicate plates: the default policy must recover the truth it was simulated from.
/// </summary>
public class SimulatedPlateRecoveryTests
{
    private const double TopLogMolar = -5;
    private const double BottomLogMolar = -10;

    private static readonly Lazy<List<(double TrueLogMolar, CompoundAffinity Result)>> Results = new(() => Analyze(withPlateNoise: false));

    private static readonly Lazy<List<(double TrueLogMolar, CompoundAffinity Result)>> ResultsWithPlateNoise = new(() => Analyze(withPlateNoise: true));

    private static readonly Lazy<List<PlateRead>> Plates = new(() =>
        [.. PlateSimulator.Simulate(ReferencePanel.Random(200, seed: 2026), new SimulationOptions(Seed: 7))]);

    private static List<(double, CompoundAffinity)> Analyze(bool withPlateNoise)
    {
        var truth = ReferencePanel.Random(200, seed: 2026).ToDictionary(c => c.CompoundId);
        var results = new List<(double, CompoundAffinity)>();
        foreach (PlateRead plate in Plates.Value)
        {
            ResponseNoise? noise = withPlateNoise ? CompoundAffinityAnalysis.NoiseOf(PlateQuality.Compute(plate)) : null;
            foreach (CompoundCurve curve in Normalization.CurvesOf(plate))
            {
                double ic50Nm = truth[curve.CompoundId].IC50Nm[(plate.Target, plate.Assay)];
                results.Add((Math.Log10(ic50Nm * 1e-9), CompoundAffinityAnalysis.Analyze(curve, plate.LigandNm, plate.LigandKdNm, noise)));
            }
        }

        return results;
    }

    [Fact]
    public void At_least_95_percent_of_in_range_compounds_recover_pIC50_within_0_2_log_units()
    {
        var inRange = Results.Value.Where(r => r.TrueLogMolar >= BottomLogMolar && r.TrueLogMolar <= TopLogMolar).ToList();
        int recovered = inRange.Count(r => r.Result.IC50.Qualifier == Qualifier.Equal
            && Math.Abs(r.Result.IC50.LogMolar - r.TrueLogMolar) <= 0.2);
        Assert.True(recovered >= 0.95 * inRange.Count, $"{recovered} of {inRange.Count} recovered");
    }

    [Fact]
    public void Every_compound_with_IC50_above_three_times_the_top_concentration_is_qualified_greater()
    {
        var outOfRange = Results.Value.Where(r => r.TrueLogMolar > TopLogMolar + Math.Log10(3)).ToList();
        Assert.NotEmpty(outOfRange);
        Assert.All(outOfRange, r => Assert.Equal(Qualifier.Greater, r.Result.IC50.Qualifier));
    }

    [Fact]
    public void Qualified_potencies_carry_no_interval()
    {
        Assert.All(
            Results.Value.Where(r => r.Result.IC50.Qualifier != Qualifier.Equal),
            r => Assert.True(double.IsNaN(r.Result.IC50.Ci95LowLogMolar) && double.IsNaN(r.Result.IC50.StandardError)));
    }

    [Fact]
    public void With_the_plate_noise_model_at_least_95_percent_of_in_range_compounds_recover_pIC50_within_0_2_log_units()
    {
        var inRange = ResultsWithPlateNoise.Value.Where(r => r.TrueLogMolar >= BottomLogMolar && r.TrueLogMolar <= TopLogMolar).ToList();
        int recovered = inRange.Count(r => r.Result.IC50.Qualifier == Qualifier.Equal
            && Math.Abs(r.Result.IC50.LogMolar - r.TrueLogMolar) <= 0.2);
        Assert.True(recovered >= 0.95 * inRange.Count, $"{recovered} of {inRange.Count} recovered");
    }

    [Fact]
    public void With_the_plate_noise_model_fewer_than_8_percent_of_clean_simulated_curves_have_a_masked_well()
    {
        int masked = ResultsWithPlateNoise.Value.Count(r => r.Result.MaskedPoints.Count > 0);
        Assert.True(masked < 0.08 * ResultsWithPlateNoise.Value.Count, $"{masked} of {ResultsWithPlateNoise.Value.Count} curves masked");
    }

    [Fact]
    public void A_well_pushed_40_percent_off_its_curve_is_found_in_at_least_90_percent_of_simulated_curves()
    {
#pragma warning disable CA5394 // Test data, not security.
        var random = new Random(11);
        int found = 0;
        int tried = 0;
        string miss = "";
        foreach (PlateRead plate in Plates.Value.Take(8))
        {
            ResponseNoise noise = CompoundAffinityAnalysis.NoiseOf(PlateQuality.Compute(plate));
            foreach (CompoundCurve curve in Normalization.CurvesOf(plate))
            {
                int index = random.Next(curve.PercentSpecific.Length);
                double[] y = [.. curve.PercentSpecific];
                y[index] += y[index] < 50 ? 40 : -40;
                CompoundAffinity a = CompoundAffinityAnalysis.Analyze(curve with { PercentSpecific = y }, plate.LigandNm, plate.LigandKdNm, noise);
                tried++;
                found += a.MaskedPoints.Contains(index) ? 1 : 0;
                if (!a.MaskedPoints.Contains(index)) { miss += $"\n i {index} st {a.Fit.Status} cls {a.CurveClass} m [{string.Join(',', a.MaskedPoints)}] rsd {a.RobustStandardDeviation:F2} {a.Fit.Estimates} y {string.Join(' ', y.Select(v => v.ToString("F0")))}"; }
            }
        }
#pragma warning restore CA5394

        Assert.True(found >= 0.9 * tried, $"{found} of {tried} found" + miss);
    }
}
