using Screening.Analysis.Affinity;
using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Affinity;

/// <summary>
/// Plates simulated with gross outlier wells (half the control window off the curve, 2 % of
/// sample wells): the per-curve policy, with the plate's own control noise, finds them.
/// </summary>
public class SimulatedOutlierTests
{
    private static readonly Lazy<(List<SimulatedOutlier> Injected, List<(string PlateId, CompoundAffinity Result)> Results)> Run = new(() =>
    {
        var injected = new List<SimulatedOutlier>();
        var plates = PlateSimulator.Simulate(ReferencePanel.Random(96, seed: 31), new SimulationOptions(Seed: 5, OutlierRate: 0.02), injected);
        var results = new List<(string, CompoundAffinity)>();
        foreach (var plate in plates)
        {
            var noise = CompoundAffinityAnalysis.NoiseOf(PlateQuality.Compute(plate));
            results.AddRange(Normalization.CurvesOf(plate).Select(c => (plate.PlateId, CompoundAffinityAnalysis.Analyze(c, plate.LigandNm, plate.LigandKdNm, noise))));
        }

        return (injected, results);
    });

    [Fact]
    public void At_least_80_percent_of_injected_outlier_wells_are_masked()
    {
        var (injected, results) = Run.Value;
        Assert.True(injected.Count > 50, $"only {injected.Count} outliers injected");
        var masked = results.SelectMany(r => r.Result.MaskedWells.Select(w => (r.PlateId, w))).ToHashSet();
        var found = injected.Count(o => masked.Contains((o.PlateId, o.Well)));
        Assert.True(found >= 0.8 * injected.Count, $"{found} of {injected.Count} injected outliers masked");
    }

    [Fact]
    public void Curves_without_an_injected_outlier_rarely_lose_a_well()
    {
        var (injected, results) = Run.Value;
        var withOutlier = injected.Select(o => (o.PlateId, o.CompoundId)).ToHashSet();
        var clean = results.Where(r => !withOutlier.Contains((r.PlateId, r.Result.CompoundId))).ToList();
        var falselyMasked = clean.Count(r => r.Result.MaskedWells.Count > 0);
        Assert.True(falselyMasked <= 0.08 * clean.Count, $"{falselyMasked} of {clean.Count} clean curves lost a well");
    }

    [Fact]
    public void Without_an_outlier_rate_the_simulation_is_unchanged()
    {
        var panel = ReferencePanel.Random(8, seed: 3);
        var plain = PlateSimulator.Simulate(panel, new SimulationOptions(Seed: 9));
        var none = new List<SimulatedOutlier>();
        var zeroRate = PlateSimulator.Simulate(panel, new SimulationOptions(Seed: 9, OutlierRate: 0), none);
        Assert.Empty(none);
        Assert.Equal(plain.SelectMany(p => p.Wells.Select(w => w.Signal)), zeroRate.SelectMany(p => p.Wells.Select(w => w.Signal)));
    }
}
