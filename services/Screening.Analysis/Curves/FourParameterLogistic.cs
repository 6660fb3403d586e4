namespace Screening.Analysis.Curves;

/// <summary>
/// The four-parameter logistic in Prism's "log(inhibitor) vs. response -- variable slope" form:
/// Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)), X = log10 molar.
/// With u = ln(10)*(LogIC50-X)*HillSlope and f = 1/(1+e^u) (so Y = Bottom + (Top-Bottom)*f):
/// dY/dBottom = 1-f, dY/dTop = f, dY/dLogIC50 = -(Top-Bottom) f(1-f) ln10 HillSlope,
/// dY/dHillSlope = -(Top-Bottom) f(1-f) ln10 (LogIC50-X).
/// X = -infinity (zero concentration, e.g. drc's controls) is a valid input: f is then 1 for
/// HillSlope &lt; 0 (Y = Top) and 0 for HillSlope &gt; 0, and the LogIC50/HillSlope derivatives
/// are 0 there (computed as such, not as 0 * infinity).
/// </summary>
internal static class FourParameterLogistic
{
    public const int Bottom = 0;
    public const int Top = 1;
    public const int LogIC50 = 2;
    public const int HillSlope = 3;

    private const double Ln10 = 2.302585092994045684;

    public static double Response(LogisticParameters parameters, double logMolar)
    {
        double f = Fraction(parameters.LogIC50, parameters.HillSlope, logMolar, out _);
        return parameters.Bottom + ((parameters.Top - parameters.Bottom) * f);
    }

    /// <summary>f = 1/(1+10^((LogIC50-X)*HillSlope)) evaluated without overflow; also 1-f.</summary>
    public static double Fraction(double logIC50, double hillSlope, double logMolar, out double complement)
    {
        double u;
        if (double.IsNegativeInfinity(logMolar))
        {
            u = hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0;
        }
        else
        {
            u = Ln10 * (logIC50 - logMolar) * hillSlope;
        }

        if (u >= 0)
        {
            double e = Math.Exp(-u);
            complement = 1 / (1 + e);
            return e / (1 + e);
        }
        else
        {
            double e = Math.Exp(u);
            complement = e / (1 + e);
            return 1 / (1 + e);
        }
    }

    /// <summary>Y and its gradient with respect to (Bottom, Top, LogIC50, HillSlope).</summary>
    public static double ResponseWithGradient(
        double bottom, double top, double logIC50, double hillSlope, double logMolar, Span<double> gradient)
    {
        double f = Fraction(logIC50, hillSlope, logMolar, out double g);
        double span = top - bottom;
        double fg = f * g;
        gradient[Bottom] = g;
        gradient[Top] = f;
        if (fg == 0)
        {
            gradient[LogIC50] = 0;
            gradient[HillSlope] = 0;
        }
        else
        {
            gradient[LogIC50] = -span * fg * Ln10 * hillSlope;
            gradient[HillSlope] = -span * fg * Ln10 * (logIC50 - logMolar);
        }

        return bottom + (span * f);
    }
}

/// <summary>
/// Residuals of the four-parameter logistic with any of its parameters held fixed.
/// The free parameters are the subset of (Bottom, Top, LogIC50, HillSlope) that is not fixed, in that order.
/// </summary>
internal readonly ref struct FourParameterLogisticModel : ILeastSquaresModel
{
    private readonly ReadOnlySpan<double> _logMolar;
    private readonly ReadOnlySpan<double> _response;
    private readonly double _fixedBottom;
    private readonly double _fixedTop;
    private readonly double _fixedLogIC50;
    private readonly double _fixedHillSlope;

    /// <param name="fixedBottom">NaN when free; likewise the others.</param>
    public FourParameterLogisticModel(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        double fixedBottom,
        double fixedTop,
        double fixedHillSlope,
        double fixedLogIC50 = double.NaN)
    {
        _logMolar = logMolar;
        _response = response;
        _fixedBottom = fixedBottom;
        _fixedTop = fixedTop;
        _fixedLogIC50 = fixedLogIC50;
        _fixedHillSlope = fixedHillSlope;
        Parameters = (double.IsNaN(fixedBottom) ? 1 : 0)
            + (double.IsNaN(fixedTop) ? 1 : 0)
            + (double.IsNaN(fixedLogIC50) ? 1 : 0)
            + (double.IsNaN(fixedHillSlope) ? 1 : 0);
    }

    public int Points => _response.Length;

    public int Parameters { get; }

    public bool BottomIsFree => double.IsNaN(_fixedBottom);

    public bool TopIsFree => double.IsNaN(_fixedTop);

    public bool LogIC50IsFree => double.IsNaN(_fixedLogIC50);

    public bool HillSlopeIsFree => double.IsNaN(_fixedHillSlope);

    /// <summary>The full (Bottom, Top, LogIC50, HillSlope) for a vector of free parameters.</summary>
    public LogisticParameters Expand(ReadOnlySpan<double> free)
    {
        if (Parameters == 4)
        {
            return new LogisticParameters(free[0], free[1], free[2], free[3]);
        }

        int k = 0;
        double bottom = BottomIsFree ? free[k++] : _fixedBottom;
        double top = TopIsFree ? free[k++] : _fixedTop;
        double logIC50 = LogIC50IsFree ? free[k++] : _fixedLogIC50;
        double hillSlope = HillSlopeIsFree ? free[k] : _fixedHillSlope;
        return new LogisticParameters(bottom, top, logIC50, hillSlope);
    }

    /// <summary>Writes the free subset of <paramref name="full"/> (indexed by the FourParameterLogistic constants) into <paramref name="free"/>.</summary>
    public void Compress(ReadOnlySpan<double> full, Span<double> free)
    {
        int k = 0;
        for (int i = 0; i < 4; i++)
        {
            if (IsFree(i))
            {
                free[k++] = full[i];
            }
        }
    }

    /// <summary>The index of a full-vector parameter in the free vector, or -1 when it is fixed.</summary>
    public int FreeIndexOf(int fullIndex)
    {
        int k = 0;
        for (int i = 0; i < fullIndex; i++)
        {
            if (IsFree(i))
            {
                k++;
            }
        }

        return IsFree(fullIndex) ? k : -1;
    }

    public double Residual(int index, ReadOnlySpan<double> parameters)
    {
        LogisticParameters p = Expand(parameters);
        return _response[index] - FourParameterLogistic.Response(p, _logMolar[index]);
    }

    public double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        LogisticParameters p = Expand(parameters);
        if (Parameters == 4)
        {
            // All free: the full gradient is the free one; no scratch vector, no compression.
            return _response[index] - FourParameterLogistic.ResponseWithGradient(
                p.Bottom, p.Top, p.LogIC50, p.HillSlope, _logMolar[index], gradient);
        }

        Span<double> full = stackalloc double[4];
        double y = FourParameterLogistic.ResponseWithGradient(
            p.Bottom, p.Top, p.LogIC50, p.HillSlope, _logMolar[index], full);
        Compress(full, gradient);
        return _response[index] - y;
    }

    private bool IsFree(int fullIndex) => fullIndex switch
    {
        FourParameterLogistic.Bottom => BottomIsFree,
        FourParameterLogistic.Top => TopIsFree,
        FourParameterLogistic.LogIC50 => LogIC50IsFree,
        _ => HillSlopeIsFree,
    };
}
