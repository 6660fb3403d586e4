using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;
using Screening.Analysis.Tests.Curves;
using Xunit.Abstractions;

namespace Screening.Analysis.Tests.Affinity;

/// <summary>
/// The ROUT robust fit by Levenberg-Marquardt on the Lorentzian loss (the default) against the first
/// implementation, 12 reweightings each fitted to convergence, over the whole per-curve policy on simulated pools.
/// Masks can differ only where the two robust fits differ; 12 reweightings are often not yet at the fixed point
/// they approach, so the comparison is made with that fixed point too (up to 500 reweightings).
/// </summary>
public class RobustFitAgreementTests(ITestOutputHelper output)
{
    private sealed record Pool(string Name, List<(CompoundCurve Curve, ResponseNoise? Noise)> Curves);

    private sealed record Agreement(int Curves, int SameAsTwelve, int SameAsConverged, int TwelveSameAsConverged, int MaskedNew, int MaskedTwelve);

    private static readonly Lazy<List<(Pool Pool, Agreement Agreement)>> Results = new(() => [.. Pools().Select(p => (p, Compare(p)))]);

    private static IEnumerable<Pool> Pools()
    {
        // 200 random compounds, 4 assays, 2 replicates (as SimulatedPlateRecoveryTests), without and with the plates' noise model.
        List<PlateRead> plates = [.. PlateSimulator.Simulate(ReferencePanel.Random(200, seed: 2026), new SimulationOptions(Seed: 7))];
        yield return new("simulated plates", [.. plates.SelectMany(p => Normalization.CurvesOf(p).Select(c => (c, (ResponseNoise?)null)))]);
        yield return new("simulated plates, plate noise model", [.. plates.SelectMany(p =>
        {
            ResponseNoise noise = CompoundAffinityAnalysis.NoiseOf(PlateQuality.Compute(p));
            return Normalization.CurvesOf(p).Select(c => (c, (ResponseNoise?)noise));
        })]);

        // 96 compounds with 2 % of sample wells pushed half the control window off their curve (as SimulatedOutlierTests).
        List<PlateRead> outlierPlates = [.. PlateSimulator.Simulate(ReferencePanel.Random(96, seed: 31), new SimulationOptions(Seed: 5, OutlierRate: 0.02))];
        yield return new("plates with outlier wells, plate noise model", [.. outlierPlates.SelectMany(p =>
        {
            ResponseNoise noise = CompoundAffinityAnalysis.NoiseOf(PlateQuality.Compute(p));
            return Normalization.CurvesOf(p).Select(c => (c, (ResponseNoise?)noise));
        })]);

        // 22-point curves of random shape and noise SD 5, one in ten with a well 60 points off (as the benchmark pool, twice as many wild wells).
        yield return new("22-point curves, 10 % with a wild well", [.. Enumerable.Range(0, 600).Select(seed => (WildCurve(seed), (ResponseNoise?)null))]);
    }

    private static CompoundCurve WildCurve(int seed)
    {
#pragma warning disable CA5394 // Simulation, not security.
        var random = new Random(9000 + seed);
        var truth = new LogisticParameters(
            6 * (random.NextDouble() - 0.5), 100 + (6 * (random.NextDouble() - 0.5)), -9.4 + (3.75 * random.NextDouble()), -0.6 - random.NextDouble());
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, RobustOutlierTestTests.DuplicateSeries), 5, seed);
        if (random.NextDouble() < 0.1)
        {
            y[random.Next(y.Length)] += random.NextDouble() < 0.5 ? 60 : -60;
        }
#pragma warning restore CA5394

        return CompoundAffinityAnalysisTests.CurveOf(y);
    }

    private static Agreement Compare(Pool pool)
    {
        int sameAsTwelve = 0, sameAsConverged = 0, twelveSameAsConverged = 0, maskedNew = 0, maskedTwelve = 0;
        foreach (var (curve, noise) in pool.Curves)
        {
            CompoundAffinity current = CompoundAffinityAnalysis.Analyze(curve, null, null, noise);
            CompoundAffinity twelve = CompoundAffinityAnalysis.Analyze(curve, null, null, noise, RobustFitMethod.TwelveReweightings);
            CompoundAffinity converged = CompoundAffinityAnalysis.Analyze(curve, null, null, noise, RobustFitMethod.ReweightingToConvergence);
            bool same = current.MaskedWells.SequenceEqual(twelve.MaskedWells);
            sameAsTwelve += same ? 1 : 0;
            sameAsConverged += current.MaskedWells.SequenceEqual(converged.MaskedWells) ? 1 : 0;
            twelveSameAsConverged += twelve.MaskedWells.SequenceEqual(converged.MaskedWells) ? 1 : 0;
            maskedNew += current.MaskedWells.Count > 0 ? 1 : 0;
            maskedTwelve += twelve.MaskedWells.Count > 0 ? 1 : 0;

            // The same mask leaves the same points to the least-squares fits: everything reported follows exactly.
            if (same)
            {
                Assert.Equal(twelve.IC50, current.IC50);
                Assert.Equal(twelve.ModelChoice, current.ModelChoice);
                Assert.Equal(twelve.CurveClass, current.CurveClass);
                Assert.Equal(twelve.Flags, current.Flags);
            }
        }

        return new Agreement(pool.Curves.Count, sameAsTwelve, sameAsConverged, twelveSameAsConverged, maskedNew, maskedTwelve);
    }

    [Fact]
    public void The_same_wells_are_masked_as_by_twelve_reweightings_on_at_least_99_percent_of_curves_with_identical_potencies()
    {
        foreach (var (pool, a) in Results.Value)
        {
            output.WriteLine(
                $"{pool.Name}: {a.Curves} curves; same masked wells as 12 reweightings {a.SameAsTwelve} ({100.0 * a.SameAsTwelve / a.Curves:F2} %), " +
                $"as reweighting to convergence {a.SameAsConverged} ({100.0 * a.SameAsConverged / a.Curves:F2} %); 12 reweightings as reweighting to " +
                $"convergence {a.TwelveSameAsConverged} ({100.0 * a.TwelveSameAsConverged / a.Curves:F2} %); curves with a masked well {a.MaskedNew} (12 reweightings {a.MaskedTwelve})");
            Assert.True(a.SameAsTwelve >= 0.99 * a.Curves, $"{pool.Name}: {a.SameAsTwelve} of {a.Curves}");
        }
    }

    [Fact]
    public void Masks_agree_with_the_converged_reweighting_at_least_as_often_as_twelve_reweightings_do()
    {
        foreach (var (pool, a) in Results.Value)
        {
            Assert.True(a.SameAsConverged >= a.TwelveSameAsConverged, $"{pool.Name}: {a.SameAsConverged} vs {a.TwelveSameAsConverged}");
            Assert.True(a.SameAsConverged >= 0.995 * a.Curves, $"{pool.Name}: {a.SameAsConverged} of {a.Curves}");
        }
    }
}
