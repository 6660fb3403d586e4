using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>Inputs that must give a status or a qualified potency, never an exception.</summary>
public class EdgeCaseTests
{
    private static readonly double[] Series = SimulatedCurveTests.TenPointSeries;

    [Fact]
    public void Flat_line_is_reported_flat()
    {
        CurveFitResult fit = DoseResponseFitter.Fit(Series, [.. Series.Select(_ => 97.0)], FitOptions.Default);
        Assert.Equal(FitStatus.Flat, fit.Status);
    }

    [Fact]
    public void Noisy_flat_line_is_reported_flat_and_inactive()
    {
        double[] y = SimulatedCurveTests.WithNoise([.. Series.Select(_ => 100.0)], 5, seed: 2);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, FitOptions.Default);

        Assert.Equal(FitStatus.Flat, fit.Status);
        Assert.Equal(Qualifier.Greater, fit.IC50.Qualifier);
        Assert.Equal(Series[^1], fit.IC50.LogMolar);
    }

    [Fact]
    public void All_NaN_responses_are_invalid_input()
    {
        CurveFitResult fit = DoseResponseFitter.Fit(Series, [.. Series.Select(_ => double.NaN)], FitOptions.Default);
        Assert.Equal(FitStatus.InvalidInput, fit.Status);
        Assert.Equal(Qualifier.NotEstimable, fit.IC50.Qualifier);
    }

    [Fact]
    public void Infinite_response_is_invalid_input()
    {
        double[] y = SimulatedCurveTests.Responses(new LogisticParameters(0, 100, -7, -1), Series);
        y[3] = double.PositiveInfinity;
        Assert.Equal(FitStatus.InvalidInput, DoseResponseFitter.Fit(Series, y, FitOptions.Default).Status);
    }

    [Fact]
    public void Positive_infinite_concentration_is_invalid_input()
    {
        double[] x = [.. Series];
        x[^1] = double.PositiveInfinity;
        double[] y = SimulatedCurveTests.Responses(new LogisticParameters(0, 100, -7, -1), Series);
        Assert.Equal(FitStatus.InvalidInput, DoseResponseFitter.Fit(x, y, FitOptions.Default).Status);
    }

    [Fact]
    public void Mismatched_lengths_are_invalid_input()
    {
        Assert.Equal(FitStatus.InvalidInput, DoseResponseFitter.Fit(Series, [1.0, 2.0], FitOptions.Default).Status);
    }

    [Fact]
    public void Three_points_are_too_few()
    {
        CurveFitResult fit = DoseResponseFitter.Fit([-8.0, -7.0, -6.0], [100.0, 50.0, 0.0], FitOptions.Default);
        Assert.Equal(FitStatus.TooFewPoints, fit.Status);
    }

    [Fact]
    public void A_single_concentration_is_too_few_points()
    {
        CurveFitResult fit = DoseResponseFitter.Fit([-7.0, -7.0, -7.0, -7.0, -7.0, -7.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], FitOptions.Default);
        Assert.Equal(FitStatus.TooFewPoints, fit.Status);
    }

    [Fact]
    public void Partial_curve_that_never_falls_below_half_is_qualified_greater()
    {
        var truth = new LogisticParameters(0, 100, Series[^1] + 0.5, -1);
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, Series), 1, seed: 4);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, FitOptions.Default);

        Assert.Equal(Qualifier.Greater, fit.IC50.Qualifier);
        Assert.Equal(Series[^1], fit.IC50.LogMolar);
        Assert.True(double.IsNaN(fit.IC50.Ci95LowLogMolar));
    }

    [Fact]
    public void Partial_inhibitor_with_a_bottom_above_half_is_qualified_greater()
    {
        var truth = new LogisticParameters(65, 100, -7.5, -1);
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, Series), 1, seed: 8);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, FitOptions.Default);

        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(Qualifier.Greater, fit.IC50.Qualifier);
    }

    [Fact]
    public void Very_potent_compound_already_at_the_bottom_is_qualified_less()
    {
        var truth = new LogisticParameters(0, 100, Series[0] - 0.5, -1);
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, Series), 1, seed: 6);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, FitOptions.Default);

        Assert.Equal(Qualifier.Less, fit.IC50.Qualifier);
        Assert.Equal(Series[0], fit.IC50.LogMolar);
    }

    [Fact]
    public void Compound_fully_active_at_every_concentration_is_qualified_less()
    {
        double[] y = SimulatedCurveTests.WithNoise([.. Series.Select(_ => 2.0)], 2, seed: 9);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, FitOptions.Default);
        Assert.Equal(Qualifier.Less, fit.IC50.Qualifier);
    }

    public static TheoryData<double[], double[]> Hostile =>
        new()
        {
            { [], [] },
            { [-8, -7, -6, -5, -4], [1e300, -1e300, 1e300, -1e300, 1e300] },
            { [-8, -7, -6, -5, -4], [1e-300, 0, 1e-300, 0, 5e-324] },
            { [-8, -7, -6, -5, -4], [0, 0, 0, 0, 0] },
            { [-300, -7, 0, 200, 300], [100, 80, 50, 20, 0] },
            { [-7, -7, -7, -7, -6.9999999999999], [100, 50, 0, 50, 100] },
            { [double.NegativeInfinity, double.NegativeInfinity, -7, -6, -5], [100, 100, 100, 100, 100] },
            { [-8, -7, -6, -5, -4], [double.MaxValue, double.MaxValue, 0, 0, 0] },
            { [-8, -7, -6, -5, -4, -3], [0, 100, 0, 100, 0, 100] },
        };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_input_gives_a_status_and_never_throws(double[] logMolar, double[] response)
    {
        CurveFitResult fit = DoseResponseFitter.Fit(logMolar, response, FitOptions.Default);
        Assert.True(Enum.IsDefined(fit.Status));
    }

    [Fact]
    public void Non_finite_fixed_parameter_is_invalid_input()
    {
        double[] y = SimulatedCurveTests.Responses(new LogisticParameters(0, 100, -7, -1), Series);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, new FitOptions { FixedBottom = double.NaN });
        Assert.Equal(FitStatus.InvalidInput, fit.Status);
    }

    [Fact]
    public void Iteration_budget_of_one_reports_not_converged()
    {
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(new LogisticParameters(0, 100, -7, -1), Series), 3, seed: 1);
        CurveFitResult fit = DoseResponseFitter.Fit(Series, y, new FitOptions { MaxIterations = 1 });
        Assert.Equal(FitStatus.NotConverged, fit.Status);
    }
}
