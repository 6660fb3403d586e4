using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// NIST StRD Rat43, y = b1/(1+exp(b2-b3*x))^(1/b4), is the five-parameter logistic with Bottom = 0:
/// Top = b1, HillSlope = b3/ln10, LogXb = b2/b3, S = 1/b4.
/// </summary>
public class NistRat43Tests
{
    private static readonly NistDataset Rat43 = ReferenceData.Nist("Rat43");

    public static TheoryData<string> Starts => ["start1", "start2"];

    private static (LeastSquaresOutcome Outcome, double[] Estimates, double[] Errors) FitFrom(string start)
    {
        double[] b = start == "start1" ? Rat43.Start1 : Rat43.Start2;
        double[] p = [b[0], b[1] / b[2], b[2] / Math.Log(10), 1 / b[3]];
        Span<double> lower = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity];
        Span<double> upper = [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity];
        var model = new FiveParameterLogisticModel(Rat43.X, Rat43.Y, fixedBottom: 0);

        LeastSquaresOutcome outcome = LevenbergMarquardt.Minimize(model, p, lower, upper, 1000);
        double[] covariance = new double[16];
        Assert.True(LevenbergMarquardt.TryUnscaledCovariance(model, p, covariance));
        double s2 = outcome.SumOfSquares / Rat43.DegreesOfFreedom;
        double[] errors = [.. Enumerable.Range(0, 4).Select(i => Math.Sqrt(s2 * covariance[(i * 4) + i]))];
        return (outcome, p, errors);
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat43_five_parameter_logistic_reaches_certified_residual_sum_of_squares(string start)
    {
        (LeastSquaresOutcome outcome, _, _) = FitFrom(start);
        Assert.True(outcome.Converged);
        Digits.AtLeast(9, outcome.SumOfSquares, Rat43.CertifiedResidualSumOfSquares, "RSS");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat43_five_parameter_logistic_reaches_certified_parameters(string start)
    {
        (_, double[] p, _) = FitFrom(start);
        double[] b = Rat43.CertifiedValues;
        Digits.AtLeast(6, p[0], b[0], "Top = b1");
        Digits.AtLeast(6, p[1], b[1] / b[2], "LogXb = b2/b3");
        Digits.AtLeast(6, p[2], b[2] / Math.Log(10), "HillSlope = b3/ln10");
        Digits.AtLeast(6, p[3], 1 / b[3], "S = 1/b4");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat43_standard_errors_match_certified_std_devs(string start)
    {
        (_, double[] p, double[] se) = FitFrom(start);
        double[] sd = Rat43.CertifiedStdDevs;
        Digits.AtLeast(5, se[0], sd[0], "SE(Top) = SD(b1)");
        Digits.AtLeast(5, se[2] * Math.Log(10), sd[2], "SD(b3) = ln10 SE(HillSlope)");
        Digits.AtLeast(5, se[3] / (p[3] * p[3]), sd[3], "SD(b4) = SE(S)/S^2 (delta method)");
    }
}
