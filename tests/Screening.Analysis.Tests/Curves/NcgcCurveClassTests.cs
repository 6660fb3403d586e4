using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>Curve classes of noise-free Prism 4PL curves on the 22-point series (-10 to -5 log molar).</summary>
public class NcgcCurveClassTests
{
    private static readonly double[] X = RobustOutlierTestTests.DuplicateSeries;

    private static string ClassOf(LogisticParameters truth, FitOptions? options = null)
    {
        CurveFitResult fit = DoseResponseFitter.Fit(X, SimulatedCurveTests.Responses(truth, X), options ?? FitOptions.Default);
        return NcgcCurveClass.Classify(fit, X);
    }

    [Fact]
    public void Full_curve_with_both_plateaus_in_range_is_class_1_1() =>
        Assert.Equal("1.1", ClassOf(new(0, 100, -7.5, -1)));

    [Fact]
    public void Complete_curve_reaching_only_60_percent_is_class_1_2() =>
        Assert.Equal("1.2", ClassOf(new(40, 100, -7.5, -1)));

    [Fact]
    public void Curve_without_its_bottom_plateau_in_range_is_class_2_1() =>
        Assert.Equal("2.1", ClassOf(new(0, 100, -5.6, -1), new FitOptions { FixedBottom = 0, FixedTop = 100 }));

    [Fact]
    public void Curve_with_IC50_above_the_top_concentration_but_real_effect_is_class_3() =>
        Assert.Equal("3", ClassOf(new(0, 100, -4.6, -1), new FitOptions { FixedBottom = 0, FixedTop = 100 }));

    [Fact]
    public void Curve_with_under_20_percent_effect_is_class_4() =>
        Assert.Equal("4", ClassOf(new(0, 100, -3.5, -1), new FitOptions { FixedBottom = 0, FixedTop = 100 }));

    [Fact]
    public void Flat_response_is_class_4() =>
        Assert.Equal("4", NcgcCurveClass.Classify(DoseResponseFitter.Fit(X, [.. X.Select(_ => 100.0)], FitOptions.Default), X));

    [Fact]
    public void Rising_curve_carries_the_minus_sign() =>
        Assert.Equal("-1.1", ClassOf(new(0, 100, -7.5, 1)));

    [Fact]
    public void Noisy_full_curve_with_poor_r_squared_is_class_2_2()
    {
        double[] y = SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(new(0, 100, -7.5, -1), X), 30, seed: 3);
        CurveFitResult fit = DoseResponseFitter.Fit(X, y, new FitOptions { FixedBottom = 0, FixedTop = 100 });
        Assert.True(fit.RSquared < 0.9, $"r2 {fit.RSquared}");
        Assert.Equal("2.2", NcgcCurveClass.Classify(fit, X));
    }
}
