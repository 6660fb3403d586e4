namespace Screening.Analysis.Curves;

/// <summary>
/// Residuals of the five-parameter (asymmetric) logistic in Prism's form, X = log10 molar:
/// Y = Bottom + (Top-Bottom)/(1+10^((LogXb-X)*HillSlope))^S, parameters (Bottom, Top, LogXb, HillSlope, S),
/// Bottom optionally fixed (then the free vector is (Top, LogXb, HillSlope, S)).
/// With u = ln(10)*(LogXb-X)*HillSlope, q = 1+e^u, f = q^-S and sigma = e^u/q:
/// dY/dBottom = 1-f, dY/dTop = f, dY/dLogXb = -(Top-Bottom) S f sigma ln10 HillSlope,
/// dY/dHillSlope = -(Top-Bottom) S f sigma ln10 (LogXb-X), dY/dS = -(Top-Bottom) f ln q.
/// NIST Rat43, y = b1/(1+exp(b2-b3*x))^(1/b4), is this model with Bottom = 0, Top = b1,
/// HillSlope = b3/ln10, LogXb = b2/b3, S = 1/b4.
/// </summary>
internal readonly ref struct FiveParameterLogisticModel : ILeastSquaresModel
{
    private const double Ln10 = 2.302585092994045684;

    private readonly ReadOnlySpan<double> _logMolar;
    private readonly ReadOnlySpan<double> _response;
    private readonly double _fixedBottom;

    /// <param name="fixedBottom">NaN when Bottom is free.</param>
    public FiveParameterLogisticModel(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, double fixedBottom)
    {
        _logMolar = logMolar;
        _response = response;
        _fixedBottom = fixedBottom;
        Parameters = double.IsNaN(fixedBottom) ? 5 : 4;
    }

    public int Points => _response.Length;

    public int Parameters { get; }

    public double Residual(int index, ReadOnlySpan<double> parameters)
    {
        Span<double> unused = stackalloc double[5];
        return Residual(index, parameters, unused);
    }

    public double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int k = 0;
        bool bottomIsFree = double.IsNaN(_fixedBottom);
        double bottom = bottomIsFree ? parameters[k++] : _fixedBottom;
        double top = parameters[k];
        double logXb = parameters[k + 1];
        double hillSlope = parameters[k + 2];
        double s = parameters[k + 3];

        double u = Ln10 * (logXb - _logMolar[index]) * hillSlope;

        // ln q = ln(1+e^u) and sigma = e^u/(1+e^u), both without overflow.
        double lnQ = u > 0 ? u + Math.Log(1 + Math.Exp(-u)) : Math.Log(1 + Math.Exp(u));
        double sigma = u > 0 ? 1 / (1 + Math.Exp(-u)) : Math.Exp(u) / (1 + Math.Exp(u));
        double f = Math.Exp(-s * lnQ);
        double span = top - bottom;

        if (bottomIsFree)
        {
            gradient[0] = 1 - f;
        }

        double common = -span * s * f * sigma * Ln10;
        gradient[k] = f;
        gradient[k + 1] = common * hillSlope;
        gradient[k + 2] = common * (logXb - _logMolar[index]);
        gradient[k + 3] = -span * f * lnQ;
        return _response[index] - (bottom + (span * f));
    }
}
