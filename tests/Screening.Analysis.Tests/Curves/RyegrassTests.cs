using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// drc's ryegrass LL.4 fit, f(x) = c + (d-c)/(1+exp(b(ln x - ln e))). With X = log10(conc) this is the
/// Prism four-parameter logistic with Bottom = c, Top = d, HillSlope = -b, LogIC50 = log10(e).
/// The six controls (conc = 0) enter as X = -infinity and inform Top only.
/// </summary>
public class RyegrassTests
{
    private static readonly RyegrassDataset Ryegrass = ReferenceData.Ryegrass();

    private static CurveFitResult Fit()
    {
        double[] logConcentration = [.. Ryegrass.Concentration.Select(Math.Log10)];
        return DoseResponseFitter.Fit(logConcentration, Ryegrass.RootLength, new FitOptions { ResponseMidpoint = null });
    }

    [Fact]
    public void Ryegrass_controls_at_zero_concentration_are_accepted_and_the_fit_converges()
    {
        CurveFitResult fit = Fit();
        Assert.Equal(FitStatus.Converged, fit.Status);
        Assert.Equal(20, fit.DegreesOfFreedom);
        Assert.Equal(Math.Log10(0.94), fit.MinLogMolar, 12);
    }

    [Fact]
    public void Ryegrass_LL4_fit_reaches_the_least_squares_optimum()
    {
        CurveFitResult fit = Fit();
        IReadOnlyDictionary<string, double> optimum = Ryegrass.Estimates;
        Digits.AtLeast(8, fit.SumOfSquares, Ryegrass.ResidualSumOfSquares, "RSS");
        Digits.AtLeast(6, -fit.Estimates.HillSlope, optimum["b"], "b = -HillSlope");
        Digits.AtLeast(6, fit.Estimates.Bottom, optimum["c"], "c = Bottom");
        Digits.AtLeast(6, fit.Estimates.Top, optimum["d"], "d = Top");
        Digits.AtLeast(6, Math.Pow(10, fit.Estimates.LogIC50), optimum["e"], "e = 10^LogIC50");
    }

    [Fact]
    public void Ryegrass_standard_errors_match_the_gauss_newton_values()
    {
        CurveFitResult fit = Fit();
        IReadOnlyDictionary<string, double> se = Ryegrass.GaussNewtonStandardErrors;
        double e = Math.Pow(10, fit.Estimates.LogIC50);
        Digits.AtLeast(4, fit.StandardErrors.HillSlope, se["b"], "SE(b)");
        Digits.AtLeast(4, fit.StandardErrors.Bottom, se["c"], "SE(c)");
        Digits.AtLeast(4, fit.StandardErrors.Top, se["d"], "SE(d)");
        Digits.AtLeast(4, e * Math.Log(10) * fit.StandardErrors.LogIC50, se["e"], "SE(e) = e ln10 SE(LogIC50) (delta method)");
    }

    [Fact]
    public void Ryegrass_IC50_is_a_measured_value_with_a_t_interval()
    {
        Potency ic50 = Fit().IC50;
        Assert.Equal(Qualifier.Equal, ic50.Qualifier);
        Assert.Equal(2.0859634 * ic50.StandardError, ic50.Ci95HighLogMolar - ic50.LogMolar, 6);
    }
}
