using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// NIST StRD Rat43, y = b1/(1+exp(b2-b3*x))^(1/b4), through <see cref="DoseResponseFitter.Fit"/> with
/// <see cref="CurveModel.FiveParameter"/> and Bottom fixed at 0, from the fitter's own automatic start:
/// Top = b1, LogXb = b2/b3, HillSlope = b3/ln10, S = 1/b4.
/// </summary>
public class NistRat43PublicApiTests
{
    private static readonly NistDataset Rat43 = ReferenceData.Nist("Rat43");

    private static readonly CurveFitResult Fit = DoseResponseFitter.Fit(Rat43.X, Rat43.Y, new FitOptions
    {
        Model = CurveModel.FiveParameter,
        FixedBottom = 0,
        ResponseMidpoint = null,
        MaxIterations = 1000,
    });

    [Fact]
    public void Rat43_from_the_automatic_start_converges_with_nist_degrees_of_freedom()
    {
        Assert.Equal(FitStatus.Converged, Fit.Status);
        Assert.Equal(Rat43.DegreesOfFreedom, Fit.DegreesOfFreedom);
    }

    [Fact]
    public void Rat43_from_the_automatic_start_reaches_the_certified_residual_sum_of_squares()
    {
        Digits.AtLeast(6, Fit.SumOfSquares, Rat43.CertifiedResidualSumOfSquares, "RSS");
    }

    [Fact]
    public void Rat43_from_the_automatic_start_reaches_the_certified_parameters()
    {
        double[] b = Rat43.CertifiedValues;
        Digits.AtLeast(6, Fit.Estimates.Top, b[0], "Top = b1");
        Digits.AtLeast(6, Fit.LogXb, b[1] / b[2], "LogXb = b2/b3");
        Digits.AtLeast(6, Fit.Estimates.HillSlope, b[2] / Math.Log(10), "HillSlope = b3/ln10");
        Digits.AtLeast(6, Fit.Asymmetry, 1 / b[3], "S = 1/b4");
    }

    [Fact]
    public void Rat43_standard_errors_match_the_certified_std_devs()
    {
        double[] sd = Rat43.CertifiedStdDevs;
        Digits.AtLeast(5, Fit.StandardErrors.Top, sd[0], "SE(Top) = SD(b1)");
        Digits.AtLeast(5, Fit.StandardErrors.HillSlope * Math.Log(10), sd[2], "SD(b3) = ln10 SE(HillSlope)");
        Digits.AtLeast(5, Fit.AsymmetryStandardError / (Fit.Asymmetry * Fit.Asymmetry), sd[3], "SD(b4) = SE(S)/S^2");
    }
}
