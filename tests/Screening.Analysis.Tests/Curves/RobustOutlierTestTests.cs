using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>ROUT on 22-point curves (11 half-log concentrations, 0.1 nM - 10 uM, in duplicate) of Y = 100/(1+10^((X-LogIC50)))... in Prism form.</summary>
public class RobustOutlierTestTests
{
    /// <summary>log10 molar -10 to -5 in half-log steps, each twice.</summary>
    internal static readonly double[] DuplicateSeries = [.. Enumerable.Range(0, 22).Select(i => -10 + (0.5 * (i / 2)))];

    private static readonly LogisticParameters Truth = new(0, 100, -7.5, -1);

    internal static double[] NoisyCurve(double sd, int seed) =>
        SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(Truth, DuplicateSeries), sd, seed);

    private static OutlierScan ScanOf(double[] y)
    {
        CurveFitResult fit = DoseResponseFitter.Fit(DuplicateSeries, y, FitOptions.Default);
        return RobustOutlierTest.Scan(DuplicateSeries, y, FitOptions.Default, fit.Estimates);
    }

    [Fact]
    public void Clean_noisy_curves_have_no_outliers_in_at_least_95_percent_of_200_simulations()
    {
        int clean = Enumerable.Range(0, 200).Count(seed => ScanOf(NoisyCurve(4, 1000 + seed)).Outliers.Count == 0);
        Assert.True(clean >= 190, $"{clean} of 200 clean");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_zero_on_the_top_plateau_is_the_only_point_masked(int seed)
    {
        double[] y = NoisyCurve(4, seed);
        y[2] = 0;
        OutlierScan scan = ScanOf(y);
        Assert.Equal([2], scan.Outliers);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_point_eight_noise_sds_off_at_mid_curve_is_the_only_point_masked(int seed)
    {
        double[] y = NoisyCurve(4, seed);
        y[11] += 8 * 4;
        OutlierScan scan = ScanOf(y);
        Assert.Equal([11], scan.Outliers);
    }

    [Fact]
    public void Robust_standard_deviation_estimates_the_noise_despite_a_wild_point()
    {
        double[] y = NoisyCurve(4, 8);
        y[20] = 100;
        OutlierScan scan = ScanOf(y);
        Assert.InRange(scan.RobustStandardDeviation, 2.5, 6);
    }

    [Fact]
    public void Never_masks_more_than_30_percent_of_the_points()
    {
        double[] y = NoisyCurve(1, 9);
        for (int i = 0; i < 22; i += 3)
        {
            y[i] += 60;
        }

        Assert.True(ScanOf(y).Outliers.Count <= 6);
    }

    [Fact]
    public void Noise_free_curve_has_no_outliers()
    {
        Assert.Empty(ScanOf(SimulatedCurveTests.Responses(Truth, DuplicateSeries)).Outliers);
    }

    [Fact]
    public void Too_few_points_are_not_scanned()
    {
        double[] x = [-9, -8, -7, -6, -5];
        double[] y = [100, 90, 50, 10, 0];
        Assert.Same(OutlierScan.None, RobustOutlierTest.Scan(x, y, FitOptions.Default, Truth));
    }
}
