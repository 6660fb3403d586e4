using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;
using Screening.Analysis.Tests.Curves;

namespace Screening.Analysis.Tests.Affinity;

/// <summary>The per-curve default policy on 22-point percent-specific curves, Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)).</summary>
public class CompoundAffinityAnalysisTests
{
    private static readonly double[] X = RobustOutlierTestTests.DuplicateSeries;

    internal static CompoundCurve CurveOf(double[] y) =>
        new("CMPD", X, y, [.. Enumerable.Range(0, y.Length).Select(i => $"W{i:D2}")]);

    private static double[] Noisy(LogisticParameters truth, double sd, int seed) =>
        SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, X), sd, seed);

    [Fact]
    public void Curve_with_unit_slope_is_reported_with_the_Hill_one_model()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -1), 4, 21)), null, null);
        Assert.Equal(ModelChoice.HillOne, a.ModelChoice);
        Assert.Equal(-1, a.Fit.Estimates.HillSlope);
        Assert.True(a.HillPValue >= 0.05);
    }

    [Fact]
    public void Steep_curve_is_reported_with_the_free_Hill_model_and_a_significant_F()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -2), 3, 22)), null, null);
        Assert.Equal(ModelChoice.FreeHill, a.ModelChoice);
        Assert.True(a.HillPValue < 0.05);
        Assert.Equal(-2, a.Fit.Estimates.HillSlope, 0.3);
    }

    [Fact]
    public void Extra_sum_of_squares_F_matches_its_formula()
    {
        var simple = new CurveFitResult(FitStatus.Converged, default, default, default, 120, 19, 22, 0.99, 5, -10, -5);
        var full = new CurveFitResult(FitStatus.Converged, default, default, default, 90, 18, 22, 0.99, 5, -10, -5);
        var (f, p) = CompoundAffinityAnalysis.ExtraSumOfSquares(simple, full);
        Assert.Equal(30 / (90.0 / 18), f, 12);
        Assert.InRange(p, 0.02, 0.04); // F(1,18) = 6: p = 0.0248
    }

    [Fact]
    public void A_zero_on_the_top_plateau_is_masked_named_and_the_IC50_recovered()
    {
        double[] y = Noisy(new(0, 100, -7.5, -1), 4, 31);
        y[3] = 0;
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(y), null, null);
        Assert.Equal([3], a.MaskedPoints);
        Assert.Equal(["W03"], a.MaskedWells);
        Assert.Contains("outliers_masked", a.Flags);
        Assert.Equal(21, a.Fit.Points);
        Assert.Equal(-7.5, a.IC50.LogMolar, 0.1);
    }

    [Fact]
    public void A_wild_mid_curve_point_is_masked_and_the_IC50_recovered()
    {
        double[] y = Noisy(new(0, 100, -7.5, -1), 4, 32);
        y[10] += 8 * 4;
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(y), null, null);
        Assert.Equal([10], a.MaskedPoints);
        Assert.Equal(-7.5, a.IC50.LogMolar, 0.1);
    }

    [Fact]
    public void Clean_curve_masks_nothing()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -1), 4, 33)), null, null);
        Assert.Empty(a.MaskedPoints);
        Assert.DoesNotContain("outliers_masked", a.Flags);
    }

    [Fact]
    public void Shallow_curve_reaching_neither_plateau_has_both_fixed_and_is_flagged()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -0.3), 3, 36)), null, null);
        Assert.Contains("top_fixed", a.Flags);
        Assert.Contains("bottom_fixed", a.Flags);
        Assert.Contains("plateaus_undefined", a.Flags);
    }

    [Fact]
    public void Full_curve_has_no_plateau_flags()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -1), 3, 35)), null, null);
        Assert.DoesNotContain("top_fixed", a.Flags);
        Assert.DoesNotContain("plateaus_undefined", a.Flags);
    }

    [Fact]
    public void Very_shallow_curve_is_flagged_hill_outside_the_plausible_range()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -0.3), 1, 36)), null, null);
        Assert.Equal(ModelChoice.FreeHill, a.ModelChoice);
        Assert.Contains("hill_outside_0.5_2.5", a.Flags);
        Assert.Contains("hill_far_from_unity", a.Flags);
    }

    [Theory]
    [InlineData(-9.0, -3.0, Qualifier.Equal, true)]
    [InlineData(-8.5, -6.5, Qualifier.Equal, false)]
    [InlineData(double.NaN, double.NaN, Qualifier.Equal, true)]
    [InlineData(double.NaN, double.NaN, Qualifier.Greater, false)]
    public void CI_wider_than_the_tested_range_is_judged_against_the_range_of_the_fit(double low, double high, Qualifier qualifier, bool expected)
    {
        var potency = new Potency(-7.5, 0.1, low, high, qualifier);
        var fit = new CurveFitResult(FitStatus.Converged, default, default, potency, 1, 18, 22, 0.99, 5, -10, -5);
        Assert.Equal(expected, CompoundAffinityAnalysis.IsCiWiderThanTestedRange(fit));
    }

    [Fact]
    public void Inactive_compound_is_qualified_greater_and_class_4()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -3, -1), 4, 38)), null, null);
        Assert.Equal(Qualifier.Greater, a.IC50.Qualifier);
        Assert.Equal("4", a.CurveClass);
    }

    [Fact]
    public void Complete_curve_is_class_1_1()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -1), 3, 39)), null, null);
        Assert.Equal("1.1", a.CurveClass);
    }

    [Fact]
    public void Ki_is_the_IC50_shifted_by_Cheng_Prusoff()
    {
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(Noisy(new(0, 100, -7.5, -1), 3, 40)), 1.0, 1.5);
        Assert.NotNull(a.Ki);
        Assert.Equal(a.IC50.LogMolar - Math.Log10(1 + (1.0 / 1.5)), a.Ki.Value.LogMolar, 12);
    }

    [Fact]
    public void Plate_noise_is_the_control_SDs_in_percent_of_the_window()
    {
        // total 1000 +/- 50 (CV 5 %), nsb 100 +/- 10 (CV 10 %), window 900.
        var qc = new PlateQc(0.8, 10, 5, 10, 1000, 100, true, 0.5);
        ResponseNoise noise = CompoundAffinityAnalysis.NoiseOf(qc);
        Assert.Equal(100 * 10 / 900.0, noise.SdAtBottom, 12);
        Assert.Equal(100 * 50 / 900.0, noise.SdAtTop, 12);
    }

    [Fact]
    public void With_plate_noise_a_top_plateau_deviation_normal_for_the_top_is_kept()
    {
        // Noise 1 % near nsb and 6 % near total; one top point 12 % (2 top SDs) off.
        double[] y = Noisy(new(0, 100, -7.5, -1), 0, 0);
        double[] z = SimulatedCurveTests.WithNoise(new double[22], 1, 41);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += z[i] * (1 + (5 * y[i] / 100));
        }

        y[1] += 12;
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(y), null, null, new ResponseNoise(1, 6));
        Assert.Empty(a.MaskedPoints);
    }

    [Fact]
    public void With_plate_noise_a_bottom_point_far_beyond_the_nsb_noise_is_masked()
    {
        double[] y = Noisy(new(0, 100, -7.5, -1), 0, 0);
        double[] z = SimulatedCurveTests.WithNoise(new double[22], 1, 42);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += z[i] * (1 + (5 * y[i] / 100));
        }

        y[20] += 10;
        CompoundAffinity a = CompoundAffinityAnalysis.Analyze(CurveOf(y), null, null, new ResponseNoise(1, 6));
        Assert.Equal([20], a.MaskedPoints);
    }
}
