using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// NIST StRD Rat42, y = b1/(1+exp(b2-b3*x)), is the four-parameter logistic with Bottom = 0:
/// Top = b1, HillSlope = b3/ln10, LogIC50 = b2/b3 (x taken as X).
/// </summary>
public class NistRat42Tests
{
    private static readonly NistDataset Rat42 = ReferenceData.Nist("Rat42");

    public static TheoryData<string> Starts => ["start1", "start2", "automatic"];

    private static CurveFitResult FitFrom(string start)
    {
        double[]? b = start switch
        {
            "start1" => Rat42.Start1,
            "start2" => Rat42.Start2,
            _ => null,
        };
        var options = new FitOptions
        {
            FixedBottom = 0,
            ResponseMidpoint = null,
            InitialEstimates = b is null ? null : new LogisticParameters(0, b[0], b[1] / b[2], b[2] / Math.Log(10)),
        };
        return DoseResponseFitter.Fit(Rat42.X, Rat42.Y, options);
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat42_converges(string start)
    {
        Assert.Equal(FitStatus.Converged, FitFrom(start).Status);
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat42_reaches_certified_residual_sum_of_squares(string start)
    {
        Digits.AtLeast(9, FitFrom(start).SumOfSquares, Rat42.CertifiedResidualSumOfSquares, "RSS");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat42_reaches_certified_parameters(string start)
    {
        LogisticParameters fitted = FitFrom(start).Estimates;
        double[] b = Rat42.CertifiedValues;
        Digits.AtLeast(7, fitted.Top, b[0], "Top = b1");
        Digits.AtLeast(7, fitted.LogIC50, b[1] / b[2], "LogIC50 = b2/b3");
        Digits.AtLeast(7, fitted.HillSlope, b[2] / Math.Log(10), "HillSlope = b3/ln10");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat42_standard_errors_match_certified_std_devs(string start)
    {
        CurveFitResult fit = FitFrom(start);
        double[] sd = Rat42.CertifiedStdDevs;
        Assert.Equal(Rat42.DegreesOfFreedom, fit.DegreesOfFreedom);
        Digits.AtLeast(6, fit.StandardErrors.Top, sd[0], "SE(Top) = SD(b1)");
        Digits.AtLeast(6, fit.StandardErrors.HillSlope, sd[2] / Math.Log(10), "SE(HillSlope) = SD(b3)/ln10");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Rat42_standard_error_of_LogIC50_matches_the_delta_method_from_certified_values(string start)
    {
        // LogIC50 = b2/b3 is a reparameterization, so its Gauss-Newton SE is the delta-method SE from
        // the certified covariance of (b2, b3), which the generic core reproduces in NIST's own form.
        Span<double> b = [.. Rat42.CertifiedValues];
        Span<double> covariance = stackalloc double[9];
        var model = new Rat42Model(Rat42.X, Rat42.Y);
        Assert.True(LevenbergMarquardt.TryUnscaledCovariance(model, b, covariance));
        double s2 = Rat42.CertifiedResidualSumOfSquares / Rat42.DegreesOfFreedom;
        double d2 = 1 / b[2];
        double d3 = -b[1] / (b[2] * b[2]);
        double variance = s2 * ((d2 * d2 * covariance[4]) + (2 * d2 * d3 * covariance[5]) + (d3 * d3 * covariance[8]));

        Digits.AtLeast(6, FitFrom(start).StandardErrors.LogIC50, Math.Sqrt(variance), "SE(LogIC50)");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public void Generic_core_fits_Rat42_in_NIST_form_to_certified_values_and_std_devs(string start)
    {
        Span<double> b = [.. (start == "start2" ? Rat42.Start2 : Rat42.Start1)];
        Span<double> lower = [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity];
        Span<double> upper = [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity];
        var model = new Rat42Model(Rat42.X, Rat42.Y);

        LeastSquaresOutcome outcome = LevenbergMarquardt.Minimize(model, b, lower, upper, 500);
        Span<double> covariance = stackalloc double[9];
        Assert.True(LevenbergMarquardt.TryUnscaledCovariance(model, b, covariance));

        Assert.True(outcome.Converged);
        Digits.AtLeast(9, outcome.SumOfSquares, Rat42.CertifiedResidualSumOfSquares, "RSS");
        double s2 = outcome.SumOfSquares / Rat42.DegreesOfFreedom;
        for (int i = 0; i < 3; i++)
        {
            Digits.AtLeast(7, b[i], Rat42.CertifiedValues[i], $"b{i + 1}");
            Digits.AtLeast(6, Math.Sqrt(s2 * covariance[(i * 3) + i]), Rat42.CertifiedStdDevs[i], $"SD(b{i + 1})");
        }
    }

    /// <summary>Rat42 in NIST's parameters: y = b1/(1+exp(b2-b3*x)).</summary>
    private readonly ref struct Rat42Model(ReadOnlySpan<double> x, ReadOnlySpan<double> y) : ILeastSquaresModel
    {
        private readonly ReadOnlySpan<double> _x = x;
        private readonly ReadOnlySpan<double> _y = y;

        public int Points => _y.Length;

        public int Parameters => 3;

        public double Residual(int index, ReadOnlySpan<double> parameters)
        {
            Span<double> unused = stackalloc double[3];
            return Residual(index, parameters, unused);
        }

        public double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient)
        {
            double e = Math.Exp(parameters[1] - (parameters[2] * _x[index]));
            double f = 1 / (1 + e);
            gradient[0] = f;
            gradient[1] = -parameters[0] * e * f * f;
            gradient[2] = parameters[0] * e * f * f * _x[index];
            return _y[index] - (parameters[0] * f);
        }
    }
}
