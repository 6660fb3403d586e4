using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// The five-parameter logistic through the public fitter:
/// Y = Bottom + (Top-Bottom)/(1+10^((LogXb-X)*HillSlope))^S, LogIC50 = LogXb - log10(2^(1/S)-1)/HillSlope.
/// </summary>
public class FiveParameterLogisticTests
{
    private static readonly double[] X = [.. Enumerable.Range(0, 24).Select(i => -10.5 + (0.5 * (i / 2)))];

    private static readonly FitOptions FivePL = new() { Model = CurveModel.FiveParameter };

    private static double[] Responses(double bottom, double top, double logXb, double hill, double s) =>
        [.. X.Select(x => bottom + ((top - bottom) / Math.Pow(1 + Math.Pow(10, (logXb - x) * hill), s)))];

    private static double HalfwayLogIC50(double logXb, double hill, double s) =>
        logXb - (Math.Log10(Math.Pow(2, 1 / s) - 1) / hill);

    [Theory]
    [InlineData(0, 100, -7.0, -1.2, 0.6)]
    [InlineData(5, 95, -7.5, -0.9, 2.5)]
    [InlineData(-2, 105, -6.5, 1.5, 0.4)]
    public void Noise_free_curve_recovers_its_five_parameters(double bottom, double top, double logXb, double hill, double s)
    {
        CurveFitResult fit = DoseResponseFitter.Fit(X, Responses(bottom, top, logXb, hill, s), FivePL);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(bottom, fit.Estimates.Bottom, 5);
        Assert.Equal(top, fit.Estimates.Top, 5);
        Assert.Equal(hill, fit.Estimates.HillSlope, 6);
        Assert.Equal(s, fit.Asymmetry, 5);
        Assert.Equal(logXb, fit.LogXb, 5);
        Assert.Equal(HalfwayLogIC50(logXb, hill, s), fit.Estimates.LogIC50, 6);
        Assert.Equal(X.Length - 5, fit.DegreesOfFreedom);
    }

    [Fact]
    public void Reported_LogIC50_is_where_the_fitted_curve_is_halfway_between_Top_and_Bottom()
    {
        double[] y = SimulatedCurveTests.WithNoise(Responses(0, 100, -7, -1, 0.5), 2, seed: 5);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, FivePL);

        double halfway = 0.5 * (fit.Estimates.Top + fit.Estimates.Bottom);
        Assert.Equal(halfway, fit.ResponseAt(fit.Estimates.LogIC50), 8);
        Assert.Equal(Qualifier.Equal, fit.IC50.Qualifier);
        Assert.Equal(fit.Estimates.LogIC50, fit.IC50.LogMolar);
    }

    [Fact]
    public void Noisy_curve_gives_a_delta_method_interval_that_covers_the_true_IC50()
    {
        double truth = HalfwayLogIC50(-7, -1.1, 0.7);
        double[] y = SimulatedCurveTests.WithNoise(Responses(0, 100, -7, -1.1, 0.7), 3, seed: 9);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, FivePL);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.True(fit.IC50.StandardError is > 0 and < 0.5);
        Assert.True(fit.AsymmetryStandardError > 0);
        Assert.InRange(truth, fit.IC50.Ci95LowLogMolar, fit.IC50.Ci95HighLogMolar);
        double t = StudentT.Quantile(0.975, fit.DegreesOfFreedom);
        Assert.Equal(fit.IC50.LogMolar + (t * fit.IC50.StandardError), fit.IC50.Ci95HighLogMolar, 12);
    }

    [Fact]
    public void Asymmetry_fixed_at_one_gives_the_four_parameter_fit()
    {
        double[] y = SimulatedCurveTests.WithNoise(Responses(3, 97, -7.2, -1.3, 1), 4, seed: 13);
        CurveFitResult four = DoseResponseFitter.Fit(X, y, FitOptions.Default);
        CurveFitResult five = DoseResponseFitter.Fit(X, y, FivePL with { FixedAsymmetry = 1 });

        Assert.Equal(FitStatus.Converged, five.Status);
        Assert.Equal(1, five.Asymmetry);
        Assert.True(double.IsNaN(five.AsymmetryStandardError));
        Assert.Equal(four.DegreesOfFreedom, five.DegreesOfFreedom);
        Assert.Equal(four.SumOfSquares, five.SumOfSquares, 8);
        Assert.Equal(four.Estimates.Bottom, five.Estimates.Bottom, 6);
        Assert.Equal(four.Estimates.Top, five.Estimates.Top, 6);
        Assert.Equal(four.Estimates.LogIC50, five.Estimates.LogIC50, 7);
        Assert.Equal(four.Estimates.LogIC50, five.LogXb, 7);
        Assert.Equal(four.Estimates.HillSlope, five.Estimates.HillSlope, 7);
        Assert.Equal(four.StandardErrors.LogIC50, five.StandardErrors.LogIC50, 6);
        Assert.Equal(four.IC50.Ci95LowLogMolar, five.IC50.Ci95LowLogMolar, 6);
    }

    [Fact]
    public void Every_parameter_can_be_fixed()
    {
        double[] y = SimulatedCurveTests.WithNoise(Responses(0, 100, -7, -1.2, 0.8), 2, seed: 17);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, FivePL with { FixedBottom = 0, FixedTop = 100, FixedHillSlope = -1.2 });

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal((0.0, 100.0, -1.2), (fit.Estimates.Bottom, fit.Estimates.Top, fit.Estimates.HillSlope));
        Assert.Equal(X.Length - 2, fit.DegreesOfFreedom);
        Assert.InRange(fit.Asymmetry, 0.6, 1.0);
    }

    [Fact]
    public void Fixed_LogIC50_of_the_five_parameter_model_is_the_halfway_point()
    {
        double[] y = Responses(0, 100, -7, -1.2, 0.6);
        double truth = HalfwayLogIC50(-7, -1.2, 0.6);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, FivePL with { FixedLogIC50 = truth });

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(truth, fit.Estimates.LogIC50);
        Assert.True(double.IsNaN(fit.IC50.StandardError));
        Assert.Equal(X.Length - 4, fit.DegreesOfFreedom);
        Assert.Equal(-7, fit.LogXb, 5);
        Assert.Equal(0.6, fit.Asymmetry, 5);
    }

    [Fact]
    public void Fixed_LogIC50_of_the_four_parameter_model_is_held()
    {
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(new(0, 100, -7, -1), X), 2, seed: 3);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, new FitOptions { FixedLogIC50 = -7.2 });

        Assert.Equal(-7.2, fit.Estimates.LogIC50);
        Assert.Equal(X.Length - 3, fit.DegreesOfFreedom);
        Assert.True(double.IsNaN(fit.StandardErrors.LogIC50));
        Assert.True(double.IsNaN(fit.Asymmetry));
    }

    [Fact]
    public void Flat_response_is_flat_under_the_five_parameter_model_too()
    {
        double[] y = SimulatedCurveTests.WithNoise([.. X.Select(_ => 98.0)], 3, seed: 2);
        Assert.Equal(FitStatus.Flat, DoseResponseFitter.Fit(X, y, FivePL).Status);
    }

    [Fact]
    public void Non_positive_fixed_asymmetry_is_invalid_input()
    {
        double[] y = Responses(0, 100, -7, -1, 1);
        Assert.Equal(FitStatus.InvalidInput, DoseResponseFitter.Fit(X, y, FivePL with { FixedAsymmetry = 0 }).Status);
    }

    [Fact]
    public void Five_points_are_too_few_for_five_free_parameters()
    {
        Assert.Equal(FitStatus.TooFewPoints, DoseResponseFitter.Fit(X.AsSpan(0, 5), Responses(0, 100, -7, -1, 1).AsSpan(0, 5), FivePL).Status);
    }
}
