namespace Screening.Analysis.Curves;

/// <summary>
/// The five-parameter (asymmetric) logistic in Prism's form, X = log10 molar:
/// Y = Bottom + (Top-Bottom)/(1+10^((LogXb-X)*HillSlope))^S, parameters (Bottom, Top, LogXb, HillSlope, S).
/// With u = ln(10)*(LogXb-X)*HillSlope, q = 1+e^u, f = q^-S and sigma = e^u/q:
/// dY/dBottom = 1-f, dY/dTop = f, dY/dLogXb = -(Top-Bottom) S f sigma ln10 HillSlope,
/// dY/dHillSlope = -(Top-Bottom) S f sigma ln10 (LogXb-X), dY/dS = -(Top-Bottom) f ln q.
/// The halfway point (Y = (Top+Bottom)/2) solves q^S = 2: LogIC50 = LogXb - c/HillSlope with
/// c = log10(2^(1/S)-1); S = 1 gives c = 0 (the 4PL).
/// NIST Rat43, y = b1/(1+exp(b2-b3*x))^(1/b4), is this model with Bottom = 0, Top = b1,
/// HillSlope = b3/ln10, LogXb = b2/b3, S = 1/b4.
/// </summary>
internal static class FiveParameterLogistic
{
    public const int Bottom = 0;
    public const int Top = 1;
    public const int LogXb = 2;
    public const int HillSlope = 3;
    public const int Asymmetry = 4;
    public const int Count = 5;

    private const double Ln10 = 2.302585092994045684;
    private const double Ln2 = 0.693147180559945309;

    /// <summary>c = log10(2^(1/S)-1), so LogIC50 = LogXb - c/HillSlope.</summary>
    public static double HalfwayOffset(double s) => Math.Log10(Math.Pow(2, 1 / s) - 1);

    /// <summary>dc/dS = -2^(1/S) ln2 / (ln10 S^2 (2^(1/S)-1)).</summary>
    public static double HalfwayOffsetDerivative(double s)
    {
        double p = Math.Pow(2, 1 / s);
        return -p * Ln2 / (Ln10 * s * s * (p - 1));
    }

    public static double Response(double bottom, double top, double logXb, double hillSlope, double s, double logMolar)
    {
        double u = double.IsNegativeInfinity(logMolar)
            ? (hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0)
            : Ln10 * (logXb - logMolar) * hillSlope;
        double lnQ = u > 0 ? u + Math.Log(1 + Math.Exp(-u)) : Math.Log(1 + Math.Exp(u));
        return bottom + ((top - bottom) * Math.Exp(-s * lnQ));
    }

    /// <summary>Y and its gradient with respect to (Bottom, Top, LogXb, HillSlope, S).</summary>
    public static double ResponseWithGradient(
        double bottom, double top, double logXb, double hillSlope, double s, double logMolar, Span<double> gradient)
    {
        bool control = double.IsNegativeInfinity(logMolar);
        double u = control
            ? (hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0)
            : Ln10 * (logXb - logMolar) * hillSlope;

        // ln q = ln(1+e^u) and sigma = e^u/(1+e^u), both without overflow.
        double lnQ;
        double sigma;
        if (u > 0)
        {
            double e = Math.Exp(-u);
            lnQ = u + Math.Log(1 + e);
            sigma = 1 / (1 + e);
        }
        else
        {
            double e = Math.Exp(u);
            lnQ = Math.Log(1 + e);
            sigma = e / (1 + e);
        }

        double f = Math.Exp(-s * lnQ);
        double span = top - bottom;
        gradient[Bottom] = 1 - f;
        gradient[Top] = f;
        if (control || f == 0)
        {
            gradient[LogXb] = 0;
            gradient[HillSlope] = 0;
            gradient[Asymmetry] = 0;
        }
        else
        {
            double common = -span * s * f * sigma * Ln10;
            gradient[LogXb] = common * hillSlope;
            gradient[HillSlope] = common * (logXb - logMolar);
            gradient[Asymmetry] = -span * f * lnQ;
        }

        return bottom + (span * f);
    }
}

/// <summary>
/// Residuals of the five-parameter logistic with any of its parameters held fixed. The free parameters
/// are the subset of (Bottom, Top, LogXb, HillSlope, S) that is not fixed, in that order.
/// When LogIC50 is fixed instead of LogXb, LogXb = LogIC50 + c(S)/HillSlope follows from the free
/// HillSlope and S, and their derivatives gain dY/dLogXb * dLogXb/dHillSlope (= -c/HillSlope^2) and
/// dY/dLogXb * dLogXb/dS (= c'(S)/HillSlope).
/// </summary>
internal readonly ref struct FiveParameterLogisticModel : ILeastSquaresModel
{
    private readonly ReadOnlySpan<double> _logMolar;
    private readonly ReadOnlySpan<double> _response;
    private readonly double _fixedBottom;
    private readonly double _fixedTop;
    private readonly double _fixedHillSlope;
    private readonly double _fixedAsymmetry;
    private readonly double _fixedLogIC50;

    /// <param name="fixedBottom">NaN when Bottom is free.</param>
    public FiveParameterLogisticModel(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, double fixedBottom)
        : this(logMolar, response, fixedBottom, double.NaN, double.NaN, double.NaN, double.NaN)
    {
    }

    /// <param name="fixedLogIC50">NaN when free; when set, LogXb is no longer a parameter. Likewise NaN marks the others free.</param>
    public FiveParameterLogisticModel(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        double fixedBottom,
        double fixedTop,
        double fixedLogIC50,
        double fixedHillSlope,
        double fixedAsymmetry)
    {
        _logMolar = logMolar;
        _response = response;
        _fixedBottom = fixedBottom;
        _fixedTop = fixedTop;
        _fixedLogIC50 = fixedLogIC50;
        _fixedHillSlope = fixedHillSlope;
        _fixedAsymmetry = fixedAsymmetry;
        int free = 0;
        for (int i = 0; i < FiveParameterLogistic.Count; i++)
        {
            free += IsFree(i) ? 1 : 0;
        }

        Parameters = free;
    }

    public int Points => _response.Length;

    public int Parameters { get; }

    public bool LogIC50IsFixed => !double.IsNaN(_fixedLogIC50);

    /// <summary>Writes the full (Bottom, Top, LogXb, HillSlope, S) for a vector of free parameters.</summary>
    public void Expand(ReadOnlySpan<double> free, Span<double> full)
    {
        int k = 0;
        full[FiveParameterLogistic.Bottom] = IsFree(FiveParameterLogistic.Bottom) ? free[k++] : _fixedBottom;
        full[FiveParameterLogistic.Top] = IsFree(FiveParameterLogistic.Top) ? free[k++] : _fixedTop;
        full[FiveParameterLogistic.LogXb] = IsFree(FiveParameterLogistic.LogXb) ? free[k++] : double.NaN;
        full[FiveParameterLogistic.HillSlope] = IsFree(FiveParameterLogistic.HillSlope) ? free[k++] : _fixedHillSlope;
        full[FiveParameterLogistic.Asymmetry] = IsFree(FiveParameterLogistic.Asymmetry) ? free[k] : _fixedAsymmetry;
        if (LogIC50IsFixed)
        {
            full[FiveParameterLogistic.LogXb] = _fixedLogIC50
                + (FiveParameterLogistic.HalfwayOffset(full[FiveParameterLogistic.Asymmetry]) / full[FiveParameterLogistic.HillSlope]);
        }
    }

    /// <summary>Writes the free subset of <paramref name="full"/> into <paramref name="free"/>.</summary>
    public void Compress(ReadOnlySpan<double> full, Span<double> free)
    {
        int k = 0;
        for (int i = 0; i < FiveParameterLogistic.Count; i++)
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
        if (!IsFree(fullIndex))
        {
            return -1;
        }

        int k = 0;
        for (int i = 0; i < fullIndex; i++)
        {
            k += IsFree(i) ? 1 : 0;
        }

        return k;
    }

    public double Residual(int index, ReadOnlySpan<double> parameters)
    {
        Span<double> full = stackalloc double[FiveParameterLogistic.Count];
        Expand(parameters, full);
        return _response[index] - FiveParameterLogistic.Response(
            full[0], full[1], full[2], full[3], full[4], _logMolar[index]);
    }

    public double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        Span<double> full = stackalloc double[FiveParameterLogistic.Count];
        Span<double> fullGradient = stackalloc double[FiveParameterLogistic.Count];
        Expand(parameters, full);
        double y = FiveParameterLogistic.ResponseWithGradient(
            full[0], full[1], full[2], full[3], full[4], _logMolar[index], fullGradient);
        if (LogIC50IsFixed)
        {
            double hill = full[FiveParameterLogistic.HillSlope];
            double s = full[FiveParameterLogistic.Asymmetry];
            double dLogXb = fullGradient[FiveParameterLogistic.LogXb];
            fullGradient[FiveParameterLogistic.HillSlope] -= dLogXb * FiveParameterLogistic.HalfwayOffset(s) / (hill * hill);
            fullGradient[FiveParameterLogistic.Asymmetry] += dLogXb * FiveParameterLogistic.HalfwayOffsetDerivative(s) / hill;
        }

        Compress(fullGradient, gradient);
        return _response[index] - y;
    }

    private bool IsFree(int fullIndex) => fullIndex switch
    {
        FiveParameterLogistic.Bottom => double.IsNaN(_fixedBottom),
        FiveParameterLogistic.Top => double.IsNaN(_fixedTop),
        FiveParameterLogistic.LogXb => double.IsNaN(_fixedLogIC50),
        FiveParameterLogistic.HillSlope => double.IsNaN(_fixedHillSlope),
        _ => double.IsNaN(_fixedAsymmetry),
    };
}
