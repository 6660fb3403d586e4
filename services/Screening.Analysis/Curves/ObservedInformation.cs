namespace Screening.Analysis.Curves;

/// <summary>
/// Observed-information standard errors of a four-parameter fit, as R's drc reports them:
/// <c>SE = sqrt(diag(2 s^2 H^-1))</c> with H the full Hessian of the residual sum of squares at the fit
/// and s^2 = SSE/(n - p), p the free parameters. The fitter itself reports the Gauss-Newton form
/// <c>sqrt(diag(s^2 (J'J)^-1))</c> (nls, scipy curve_fit, Prism); the two differ by the curvature term
/// H = 2 (J'J - sum r_i d2Y_i), which vanishes for a linear model or zero residuals.
/// Not on the hot path: for comparisons with drc.
/// </summary>
public static class ObservedInformation
{
    private const double Ln10 = 2.302585092994045684;

    /// <summary>
    /// Observed-information standard errors of (Bottom, Top, LogIC50, HillSlope) for a four-parameter fit
    /// (<see cref="CurveModel.FourParameter"/> or <see cref="CurveModel.HillOne"/>) of these data with these options.
    /// Fixed parameters get NaN; so does everything when the fit did not converge or H is not positive definite
    /// (not a minimum). X = -infinity (zero concentration) is valid and informs Top (or Bottom) only.
    /// </summary>
    /// <exception cref="ArgumentException">The 5PL, or X and Y of different lengths.</exception>
    public static LogisticParameters StandardErrors(
        ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, CurveFitResult fit, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(fit);
        options ??= FitOptions.Default;
        if (options.Model == CurveModel.FiveParameter)
        {
            throw new ArgumentException("Observed-information standard errors are implemented for the four-parameter models only.", nameof(options));
        }

        if (logMolar.Length != response.Length)
        {
            throw new ArgumentException("X and Y differ in length.", nameof(response));
        }

        var nan = new LogisticParameters(double.NaN, double.NaN, double.NaN, double.NaN);
        LogisticParameters estimates = fit.Estimates;
        if (fit.Status != FitStatus.Converged)
        {
            return nan;
        }

        // Free mask in FourParameterLogistic order (Bottom, Top, LogIC50, HillSlope).
        bool[] free =
        [
            options.FixedBottom is null,
            options.FixedTop is null,
            options.FixedLogIC50 is null,
            options.Model != CurveModel.HillOne && options.FixedHillSlope is null,
        ];
        int[] index = [.. Enumerable.Range(0, 4).Where(i => free[i])];
        int p = index.Length;
        int n = response.Length;
        if (p == 0 || n <= p)
        {
            return nan;
        }

        double[] hessian = new double[p * p];
        double[] gradient = new double[4];
        double[] second = new double[16];
        double sse = 0;
        for (int i = 0; i < n; i++)
        {
            double y = ResponseWithDerivatives(estimates, logMolar[i], gradient, second);
            double r = response[i] - y;
            sse += r * r;

            // RSS = sum r^2, r = Y_obs - Y: H = 2 sum (dY dY' - r d2Y).
            for (int a = 0; a < p; a++)
            {
                for (int b = 0; b < p; b++)
                {
                    int j = index[a];
                    int k = index[b];
                    hessian[(a * p) + b] += 2 * ((gradient[j] * gradient[k]) - (r * second[(j * 4) + k]));
                }
            }
        }

        double[] inverse = new double[p * p];
        if (!double.IsFinite(sse) || !Cholesky.TryInvert(hessian, inverse, p))
        {
            return nan;
        }

        double s2 = sse / (n - p);
        double[] errors = [double.NaN, double.NaN, double.NaN, double.NaN];
        for (int a = 0; a < p; a++)
        {
            errors[index[a]] = Math.Sqrt(2 * s2 * inverse[(a * p) + a]);
        }

        return new LogisticParameters(
            errors[FourParameterLogistic.Bottom],
            errors[FourParameterLogistic.Top],
            errors[FourParameterLogistic.LogIC50],
            errors[FourParameterLogistic.HillSlope]);
    }

    /// <summary>
    /// Y, its gradient and its Hessian (row-major 4 x 4) in (Bottom, Top, LogIC50, HillSlope).
    /// With u = ln10 (LogIC50 - X) HillSlope, F = 1/(1+e^u), G = 1 - F, S = Top - Bottom:
    /// dF/du = -FG, d2F/du2 = FG(G - F); du/dLogIC50 = ln10 h, du/dh = ln10 (LogIC50 - X), d2u/dLogIC50 dh = ln10.
    /// Where FG = 0 (X = -infinity, or far on a plateau) every derivative through u is 0.
    /// </summary>
    internal static double ResponseWithDerivatives(LogisticParameters p, double logMolar, Span<double> gradient, Span<double> second)
    {
        const int B = FourParameterLogistic.Bottom;
        const int T = FourParameterLogistic.Top;
        const int L = FourParameterLogistic.LogIC50;
        const int H = FourParameterLogistic.HillSlope;

        double f = FourParameterLogistic.Fraction(p.LogIC50, p.HillSlope, logMolar, out double g);
        double span = p.Top - p.Bottom;
        second.Clear();
        gradient[B] = g;
        gradient[T] = f;
        double fg = f * g;
        if (fg == 0)
        {
            gradient[L] = 0;
            gradient[H] = 0;
            return p.Bottom + (span * f);
        }

        double fu = -fg;
        double fuu = fg * (g - f);
        double uL = Ln10 * p.HillSlope;
        double uH = Ln10 * (p.LogIC50 - logMolar);

        gradient[L] = span * fu * uL;
        gradient[H] = span * fu * uH;

        static void Set(Span<double> m, int j, int k, double value)
        {
            m[(j * 4) + k] = value;
            m[(k * 4) + j] = value;
        }

        Set(second, B, L, -fu * uL);
        Set(second, B, H, -fu * uH);
        Set(second, T, L, fu * uL);
        Set(second, T, H, fu * uH);
        Set(second, L, L, span * fuu * uL * uL);
        Set(second, H, H, span * fuu * uH * uH);
        Set(second, L, H, span * ((fuu * uL * uH) + (fu * Ln10)));
        return p.Bottom + (span * f);
    }
}
