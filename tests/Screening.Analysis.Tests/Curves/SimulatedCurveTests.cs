using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>Curves simulated from Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)) with known parameters.</summary>
public class SimulatedCurveTests
{
    /// <summary>10 concentrations, half-log steps from 0.1 nM to 10 uM (log10 molar -10 to -5.5).</summary>
    internal static readonly double[] TenPointSeries = [.. Enumerable.Range(0, 10).Select(i => -10 + (0.5 * i))];

    internal static double[] Responses(LogisticParameters truth, double[] logMolar) =>
        [.. logMolar.Select(truth.ResponseAt)];

    /// <summary>Deterministic Gaussian noise (Box-Muller on a seeded generator).</summary>
    internal static double[] WithNoise(double[] values, double standardDeviation, int seed)
    {
#pragma warning disable CA5394 // Test noise, not security.
        var random = new Random(seed);
        return [.. values.Select(v =>
            v + (standardDeviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];
#pragma warning restore CA5394
    }

    [Theory]
    [InlineData(0, 100, -7.5, -1)]
    [InlineData(5, 95, -8.2, -0.7)]
    [InlineData(-3, 110, -6.8, -2.5)]
    [InlineData(10, 90, -7, 1.3)]
    public void Noise_free_curve_recovers_its_parameters(double bottom, double top, double logIC50, double hillSlope)
    {
        var truth = new LogisticParameters(bottom, top, logIC50, hillSlope);
        CurveFitResult fit = DoseResponseFitter.Fit(TenPointSeries, Responses(truth, TenPointSeries), FitOptions.Default);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(bottom, fit.Estimates.Bottom, 6);
        Assert.Equal(top, fit.Estimates.Top, 6);
        Assert.Equal(logIC50, fit.Estimates.LogIC50, 8);
        Assert.Equal(hillSlope, fit.Estimates.HillSlope, 8);
        Assert.Equal(Qualifier.Equal, fit.IC50.Qualifier);
    }

    [Fact]
    public void HillOne_model_holds_the_slope_at_minus_one_and_fits_three_parameters()
    {
        var truth = new LogisticParameters(2, 98, -7.3, -1);
        double[] y = WithNoise(Responses(truth, TenPointSeries), 2, seed: 7);
        CurveFitResult fit = DoseResponseFitter.Fit(TenPointSeries, y, new FitOptions { Model = CurveModel.HillOne });

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(-1, fit.Estimates.HillSlope);
        Assert.True(double.IsNaN(fit.StandardErrors.HillSlope));
        Assert.Equal(TenPointSeries.Length - 3, fit.DegreesOfFreedom);
        Assert.Equal(-7.3, fit.Estimates.LogIC50, 1);
    }

    [Fact]
    public void Fixed_bottom_and_top_are_kept_and_not_counted_as_free()
    {
        var truth = new LogisticParameters(0, 100, -6.5, -1.2);
        double[] y = WithNoise(Responses(truth, TenPointSeries), 3, seed: 11);
        CurveFitResult fit = DoseResponseFitter.Fit(TenPointSeries, y, new FitOptions { FixedBottom = 0, FixedTop = 100 });

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(0, fit.Estimates.Bottom);
        Assert.Equal(100, fit.Estimates.Top);
        Assert.Equal(TenPointSeries.Length - 2, fit.DegreesOfFreedom);
        Assert.Equal(-6.5, fit.Estimates.LogIC50, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Noisy_triplicate_curve_converges_near_the_true_LogIC50(int seed)
    {
        // IC50 mid-series, 8 % noise: SE(LogIC50) is about 0.06, so 0.25 is about 4 SE.
        var truth = new LogisticParameters(0, 100, -7.75, -1);
        double[] x = [.. TenPointSeries, .. TenPointSeries, .. TenPointSeries];
        double[] y = WithNoise(Responses(truth, x), 8, seed);
        CurveFitResult fit = DoseResponseFitter.Fit(x, y, FitOptions.Default);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(Qualifier.Equal, fit.IC50.Qualifier);
        Assert.InRange(fit.IC50.LogMolar, -8.0, -7.5);
    }

    [Fact]
    public void Ci95_of_LogIC50_covers_the_truth_in_about_95_percent_of_noisy_curves()
    {
        // 400 simulated curves: binomial SD of the coverage is 1.1 %, so 91-99 % is a 3.5-sigma band.
        var truth = new LogisticParameters(0, 100, -7, -1);
        double[] clean = Responses(truth, TenPointSeries);
        int covered = 0;
        const int curves = 400;
        for (int seed = 0; seed < curves; seed++)
        {
            Potency ic50 = DoseResponseFitter.Fit(TenPointSeries, WithNoise(clean, 6, seed), FitOptions.Default).IC50;
            if (ic50.Qualifier == Qualifier.Equal && ic50.Ci95LowLogMolar <= -7 && -7 <= ic50.Ci95HighLogMolar)
            {
                covered++;
            }
        }

        Assert.InRange(covered / (double)curves, 0.91, 0.99);
    }

    [Fact]
    public void Outlier_does_not_stop_convergence()
    {
        var truth = new LogisticParameters(0, 100, -7.5, -1);
        double[] y = WithNoise(Responses(truth, TenPointSeries), 2, seed: 3);
        y[6] += 60;
        CurveFitResult fit = DoseResponseFitter.Fit(TenPointSeries, y, FitOptions.Default);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.InRange(fit.Estimates.LogIC50, -8.5, -6.5);
    }

    [Fact]
    public void Zero_concentration_controls_at_negative_infinity_define_the_top()
    {
        var truth = new LogisticParameters(5, 100, -7, -1);
        double[] x = [double.NegativeInfinity, double.NegativeInfinity, .. TenPointSeries];
        double[] y = Responses(truth, x);
        CurveFitResult fit = DoseResponseFitter.Fit(x, y, FitOptions.Default);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(100, truth.ResponseAt(double.NegativeInfinity));
        Assert.Equal(100, fit.Estimates.Top, 6);
        Assert.Equal(-10, fit.MinLogMolar);
    }

    [Fact]
    public void Fitting_a_curve_allocates_only_the_result()
    {
        var truth = new LogisticParameters(0, 100, -7, -1);
        double[] y = WithNoise(Responses(truth, TenPointSeries), 3, seed: 5);
        for (int i = 0; i < 20; i++)
        {
            DoseResponseFitter.Fit(TenPointSeries, y, FitOptions.Default);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        CurveFitResult fit = DoseResponseFitter.Fit(TenPointSeries, y, FitOptions.Default);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.InRange(allocated, 1, 256);
    }
}
