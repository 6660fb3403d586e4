namespace Screening.Analysis.Curves;

/// <summary>
/// Fits the four-parameter logistic (Prism form, X = log10 molar) to one concentration-response
/// curve by Levenberg-Marquardt with analytic derivatives; reports instead of throwing.
/// </summary>
/// <remarks>
/// Input rules:
/// <list type="bullet">
/// <item>X = -infinity is a zero-concentration control (log10 0): it sits on the low-dose plateau
/// (Top for a negative HillSlope) and informs that plateau only. NaN or +infinity X, or any
/// non-finite response, gives <see cref="FitStatus.InvalidInput"/>; so do mismatched lengths.</item>
/// <item>Fewer than (free parameters + 1) points, or fewer than two distinct finite
/// concentrations, gives <see cref="FitStatus.TooFewPoints"/>.</item>
/// <item>A response without dose dependence gives <see cref="FitStatus.Flat"/>: either no spread
/// at all, or the fitted curve is no better than a horizontal line by the extra-sum-of-squares
/// F test at the 5 % level. Estimates are then the horizontal line (Bottom = Top = mean).</item>
/// </list>
/// Bounds keep flat and partial curves from running away: |HillSlope| &lt;= 10, LogIC50 within
/// 3 decades of the tested range, Bottom and Top within one response range beyond the observed responses.
/// Standard errors are Gauss-Newton: s^2 (J'J)^-1 with s^2 = SSE/(n-p), p the free parameters
/// (as nls, scipy curve_fit and Prism); the 95 % interval of LogIC50 is +/- t(0.975, n-p) SE.
/// The hot path allocates nothing but the returned result.
/// </remarks>
public static class DoseResponseFitter
{
    private const int FullParameters = 4;
    internal const double MaxAbsHillSlope = 10;
    internal const double LogIC50Margin = 3;
    private const double FlatSignificance = 0.05;
    private const double SurelySignificantF = 240;

    /// <summary>Below this R^2 the data-driven start is judged poor and the LogIC50 grid is tried too.</summary>
    internal const double RetryBelowRSquared = 0.95;

    private const int GridStarts = 5;

    public static CurveFitResult Fit(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, FitOptions options)
    {
        CurveFitResult? fivePL = null;
        CurveFitValues values = Fit(logMolar, response, options, ref fivePL);
        return fivePL ?? values.ToResult();
    }

    /// <summary>
    /// As <see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, FitOptions)"/>, writing the same values
    /// into <paramref name="result"/>: the four-parameter models (and every failure) allocate nothing at all
    /// (the 5PL still allocates its result record internally).
    /// </summary>
    public static void Fit(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, FitOptions options, out CurveFitValues result)
    {
        CurveFitResult? fivePL = null;
        result = Fit(logMolar, response, options, ref fivePL);
    }

    private static CurveFitValues Fit(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, FitOptions options, ref CurveFitResult? fivePLResult)
    {
        options ??= FitOptions.Default;
        int n = response.Length;
        double fixedBottom = options.FixedBottom ?? double.NaN;
        double fixedTop = options.FixedTop ?? double.NaN;
        double fixedHillSlope = options.Model == CurveModel.HillOne ? -1 : options.FixedHillSlope ?? double.NaN;

        double fixedLogIC50 = options.FixedLogIC50 ?? double.NaN;
        bool fivePL = options.Model == CurveModel.FiveParameter;

        var model = new FourParameterLogisticModel(logMolar, response, fixedBottom, fixedTop, fixedHillSlope, fixedLogIC50);
        int free = model.Parameters + (fivePL && options.FixedAsymmetry is null ? 1 : 0);

        if (logMolar.Length != n
            || free < 1
            || (options.FixedBottom is { } b && !double.IsFinite(b))
            || (options.FixedTop is { } t && !double.IsFinite(t))
            || (options.FixedHillSlope is { } h && !(double.IsFinite(h) && (h != 0 || !fivePL)))
            || (options.FixedLogIC50 is { } l && !double.IsFinite(l))
            || (fivePL && options.FixedAsymmetry is { } a && !(a > 0 && double.IsFinite(a)))
            || (options.ResponseMidpoint is { } m && !double.IsFinite(m)))
        {
            return FailureValues(FitStatus.InvalidInput, n, double.NaN, double.NaN);
        }

        // One pass: validity, tested range, end groups, response spread.
        double minX = double.PositiveInfinity;
        double maxX = double.NegativeInfinity;
        double lowestX = double.PositiveInfinity;
        double minY = double.PositiveInfinity;
        double maxY = double.NegativeInfinity;
        double sumY = 0;
        for (int i = 0; i < n; i++)
        {
            double x = logMolar[i];
            double y = response[i];
            if (double.IsNaN(x) || double.IsPositiveInfinity(x) || !double.IsFinite(y))
            {
                return FailureValues(FitStatus.InvalidInput, n, double.NaN, double.NaN);
            }

            lowestX = Math.Min(lowestX, x);
            if (double.IsFinite(x))
            {
                minX = Math.Min(minX, x);
                maxX = Math.Max(maxX, x);
            }

            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
            sumY += y;
        }

        if (!double.IsFinite(minX))
        {
            minX = maxX = double.NaN;
        }

        if (n < free + 1 || !(maxX > minX))
        {
            return FailureValues(FitStatus.TooFewPoints, n, minX, maxX);
        }

        double meanY = sumY / n;
        double totalSumOfSquares = 0;
        double lowEndSum = 0;
        double highEndSum = 0;
        int lowEndCount = 0;
        int highEndCount = 0;
        for (int i = 0; i < n; i++)
        {
            double d = response[i] - meanY;
            totalSumOfSquares += d * d;
            if (logMolar[i] == lowestX)
            {
                lowEndSum += response[i];
                lowEndCount++;
            }

            if (logMolar[i] == maxX)
            {
                highEndSum += response[i];
                highEndCount++;
            }
        }

        double range = maxY - minY;
        if (!double.IsFinite(totalSumOfSquares) || !double.IsFinite(range))
        {
            return FailureValues(FitStatus.InvalidInput, n, minX, maxX);
        }

        if (range <= 1e-12 * Math.Max(Math.Abs(maxY), Math.Abs(minY)) || totalSumOfSquares == 0)
        {
            return FlatValues(n, meanY, totalSumOfSquares, 0, minX, maxX, options, fixedHillSlope);
        }

        if (fivePL)
        {
            fivePLResult = FiveParameterFit.Fit(logMolar, response, options, new DataSummary(n, minX, maxX, minY, maxY, meanY, totalSumOfSquares));
            return CurveFitValues.From(fivePLResult);
        }

        // Bounds (Bottom, Top, LogIC50, HillSlope).
        Span<double> fullLower = [minY - range, minY - range, minX - LogIC50Margin, -MaxAbsHillSlope];
        Span<double> fullUpper = [maxY + range, maxY + range, maxX + LogIC50Margin, MaxAbsHillSlope];

        // Data-driven start: plateaus from the end groups, slope sign from the trend, LogIC50 where Y is nearest the midpoint.
        double lowEnd = lowEndSum / lowEndCount;
        double highEnd = highEndSum / highEndCount;
        bool descending = highEnd < lowEnd || (highEnd == lowEnd && TrendSlope(logMolar, response) <= 0);
        double startHill = double.IsNaN(fixedHillSlope) ? (descending ? -1 : 1) : fixedHillSlope;
        double startTop = Math.Max(lowEnd, highEnd);
        double startBottom = Math.Min(lowEnd, highEnd);
        if (startTop == startBottom)
        {
            startTop = maxY;
            startBottom = minY;
        }

        startBottom = double.IsNaN(fixedBottom) ? startBottom : fixedBottom;
        startTop = double.IsNaN(fixedTop) ? startTop : fixedTop;
        double startLogIC50 = NearestToLevel(logMolar, response, 0.5 * (startTop + startBottom), 0.5 * (minX + maxX));

        Span<double> start = [startBottom, startTop, startLogIC50, startHill];
        if (options.InitialEstimates is { } initial)
        {
            start[FourParameterLogistic.Bottom] = initial.Bottom;
            start[FourParameterLogistic.Top] = initial.Top;
            start[FourParameterLogistic.LogIC50] = initial.LogIC50;
            start[FourParameterLogistic.HillSlope] = initial.HillSlope;
        }

        int maxIterations = Math.Max(1, options.MaxIterations);
        int freeMask = (model.BottomIsFree ? 1 : 0) | (model.TopIsFree ? 2 : 0) | (model.LogIC50IsFree ? 4 : 0) | (model.HillSlopeIsFree ? 8 : 0);
        Span<double> fixedValues = [fixedBottom, fixedTop, fixedLogIC50, fixedHillSlope];
        for (int i = 0; i < FullParameters; i++)
        {
            if ((freeMask & (1 << i)) == 0)
            {
                start[i] = fixedValues[i];
            }
        }

        Span<double> best = stackalloc double[FullParameters];
        Span<double> trial = stackalloc double[FullParameters];
        start.CopyTo(best);

        // J'J at each run's end point: the covariance below needs no further pass over the data.
        Span<double> bestNormal = stackalloc double[FullParameters * FullParameters];
        Span<double> trialNormal = stackalloc double[FullParameters * FullParameters];
        bestNormal = bestNormal[..(free * free)];
        trialNormal = trialNormal[..(free * free)];
        LeastSquaresOutcome bestOutcome = FourParameterKernel.Minimize(
            logMolar, response, default, best, freeMask, fullLower, fullUpper, maxIterations, true, bestNormal);

        if (model.LogIC50IsFree
            && (!bestOutcome.Converged || !(1 - (bestOutcome.SumOfSquares / totalSumOfSquares) >= RetryBelowRSquared)))
        {
            for (int k = 0; k < GridStarts; k++)
            {
                start[FourParameterLogistic.LogIC50] = minX + ((maxX - minX) * k / (GridStarts - 1));
                start.CopyTo(trial);
                LeastSquaresOutcome outcome = FourParameterKernel.Minimize(
                    logMolar, response, default, trial, freeMask, fullLower, fullUpper, maxIterations, true, trialNormal);
                if (IsBetter(outcome, bestOutcome))
                {
                    bestOutcome = outcome;
                    trial.CopyTo(best);
                    trialNormal.CopyTo(bestNormal);
                }
            }
        }

        if (!double.IsFinite(bestOutcome.SumOfSquares))
        {
            return FailureValues(FitStatus.NotConverged, n, minX, maxX) with { Iterations = bestOutcome.Iterations };
        }

        double sse = bestOutcome.SumOfSquares;
        int degreesOfFreedom = n - free;

        if (IsNoBetterThanHorizontalLine(sse, totalSumOfSquares, free, degreesOfFreedom))
        {
            return FlatValues(n, meanY, totalSumOfSquares, bestOutcome.Iterations, minX, maxX, options, fixedHillSlope);
        }

        // Standard errors: s^2 (J'J)^-1.
        Span<double> covariance = stackalloc double[FullParameters * FullParameters];
        covariance = covariance[..(free * free)];
        double s2 = sse / degreesOfFreedom;
        Span<double> fullErrors = [double.NaN, double.NaN, double.NaN, double.NaN];
        if (Cholesky.TryInvert(bestNormal, covariance, free))
        {
            for (int i = 0; i < FullParameters; i++)
            {
                int k = model.FreeIndexOf(i);
                if (k >= 0)
                {
                    fullErrors[i] = Math.Sqrt(s2 * covariance[(k * free) + k]);
                }
            }
        }

        var estimates = new LogisticParameters(best[0], best[1], best[2], best[3]);
        var errors = new LogisticParameters(
            fullErrors[FourParameterLogistic.Bottom],
            fullErrors[FourParameterLogistic.Top],
            fullErrors[FourParameterLogistic.LogIC50],
            fullErrors[FourParameterLogistic.HillSlope]);

        // The same curve with Top below Bottom and the slope's sign flipped: report Top as the upper plateau.
        if (model.BottomIsFree && model.TopIsFree && model.HillSlopeIsFree && estimates.Top < estimates.Bottom)
        {
            estimates = new LogisticParameters(estimates.Top, estimates.Bottom, estimates.LogIC50, -estimates.HillSlope);
            errors = new LogisticParameters(errors.Top, errors.Bottom, errors.LogIC50, errors.HillSlope);
        }

        Potency potency = QualifiedPotency(
            estimates, estimates.ResponseAt(minX), estimates.ResponseAt(maxX), errors.LogIC50, degreesOfFreedom, minX, maxX, options.ResponseMidpoint);
        return new CurveFitValues(
            bestOutcome.Converged ? FitStatus.Converged : FitStatus.NotConverged,
            estimates,
            errors,
            potency,
            sse,
            degreesOfFreedom,
            n,
            1 - (sse / totalSumOfSquares),
            bestOutcome.Iterations,
            minX,
            maxX);
    }

    /// <summary>
    /// The potency and its qualifier. LogIC50 is Prism's: the inflection, midway between Top and Bottom.
    /// Rule, first match wins, with m = <see cref="FitOptions.ResponseMidpoint"/> (50 % of the control window):
    /// <list type="number">
    /// <item>the fitted curve has not reached m at the highest tested X (still above m for a falling curve,
    /// below for a rising one): Greater, value = highest tested X;</item>
    /// <item>the fitted curve is already past m at the lowest tested X: Less, value = lowest tested X;</item>
    /// <item>the fitted LogIC50 lies above the highest tested X: Greater, value = highest tested X;</item>
    /// <item>the fitted LogIC50 lies below the lowest tested X: Less, value = lowest tested X;</item>
    /// <item>otherwise Equal, value = the fitted LogIC50 with its SE and t-based 95 % interval.</item>
    /// </list>
    /// A qualified potency is never an extrapolated value: its SE and interval are NaN.
    /// Rules 1-2 are skipped when m is null (raw, un-normalized responses).
    /// </summary>
    internal static Potency QualifiedPotency(
        LogisticParameters estimates,
        double atLowest,
        double atHighest,
        double standardError,
        int degreesOfFreedom,
        double minX,
        double maxX,
        double? midpoint)
    {
        if (midpoint is { } level)
        {
            bool falling = (estimates.Top - estimates.Bottom) * estimates.HillSlope < 0;
            bool notReached = falling ? atHighest > level : atHighest < level;
            bool alreadyPast = falling ? atLowest < level : atLowest > level;
            if (notReached)
            {
                return Bound(maxX, Qualifier.Greater);
            }

            if (alreadyPast)
            {
                return Bound(minX, Qualifier.Less);
            }
        }

        if (double.IsNaN(estimates.LogIC50))
        {
            return Bound(double.NaN, Qualifier.NotEstimable);
        }

        if (estimates.LogIC50 > maxX)
        {
            return Bound(maxX, Qualifier.Greater);
        }

        if (estimates.LogIC50 < minX)
        {
            return Bound(minX, Qualifier.Less);
        }

        double halfWidth = TQuantile975(degreesOfFreedom) * standardError;
        return new Potency(estimates.LogIC50, standardError, estimates.LogIC50 - halfWidth, estimates.LogIC50 + halfWidth, Qualifier.Equal);
    }

    /// <summary>Values of t(0.975, df) already computed, by df (0 = not yet): the quantile costs microseconds, a fit not many more.</summary>
    private static readonly double[] T975 = new double[1024];

    /// <summary>t(0.975, df), memoized for df below 1024 (a benign race: every writer stores the same value).</summary>
    internal static double TQuantile975(int degreesOfFreedom)
    {
        if (degreesOfFreedom <= 0 || degreesOfFreedom >= T975.Length)
        {
            return StudentT.Quantile(0.975, degreesOfFreedom);
        }

        double t = Volatile.Read(ref T975[degreesOfFreedom]);
        if (t == 0)
        {
            t = StudentT.Quantile(0.975, degreesOfFreedom);
            Volatile.Write(ref T975[degreesOfFreedom], t);
        }

        return t;
    }

    internal static Potency Bound(double logMolar, Qualifier qualifier) =>
        new(logMolar, double.NaN, double.NaN, double.NaN, qualifier);

    /// <summary>
    /// Extra-sum-of-squares F test of the fitted curve against a horizontal line at the mean
    /// (Motulsky &amp; Christopoulos, Fitting Models to Biological Data, ch. 22):
    /// F = ((SST - SSE)/(p - 1)) / (SSE/(n - p)).
    /// </summary>
    internal static bool IsNoBetterThanHorizontalLine(double sse, double totalSumOfSquares, int free, int degreesOfFreedom)
    {
        if (free < 2 || degreesOfFreedom < 1 || sse <= 0)
        {
            return false;
        }

        double f = (totalSumOfSquares - sse) / (free - 1) / (sse / degreesOfFreedom);

        // F(0.95; d1, d2) falls as d2 grows and is largest at d2 = 1, where it is below 240 for every
        // d1 <= 7 (F(0.95; 7, 1) = 236.8): a larger F is significant without evaluating the tail.
        if (f > SurelySignificantF && free - 1 <= 7)
        {
            return false;
        }

        return !(FDistribution.UpperTail(f, free - 1, degreesOfFreedom) <= FlatSignificance);
    }

    /// <summary>
    /// A flat response is a horizontal line. With a midpoint, its potency is still qualified: a line
    /// on the uninhibited side of m is inactive up to the highest concentration (Greater), one on the
    /// other side is fully active from the lowest (Less). Inhibition (falling) is assumed unless a positive
    /// HillSlope is fixed.
    /// </summary>
    internal static CurveFitResult FlatResult(
        int n, double meanY, double totalSumOfSquares, int iterations, double minX, double maxX, FitOptions options, double fixedHillSlope) =>
        FlatValues(n, meanY, totalSumOfSquares, iterations, minX, maxX, options, fixedHillSlope).ToResult();

    private static CurveFitValues FlatValues(
        int n, double meanY, double totalSumOfSquares, int iterations, double minX, double maxX, FitOptions options, double fixedHillSlope)
    {
        Potency potency = Bound(double.NaN, Qualifier.NotEstimable);
        if (options.ResponseMidpoint is { } level)
        {
            bool falling = !(fixedHillSlope > 0);
            bool inactive = falling ? meanY >= level : meanY <= level;
            potency = inactive ? Bound(maxX, Qualifier.Greater) : Bound(minX, Qualifier.Less);
        }

        return new CurveFitValues(
            FitStatus.Flat,
            new LogisticParameters(meanY, meanY, double.NaN, double.NaN),
            new LogisticParameters(double.NaN, double.NaN, double.NaN, double.NaN),
            potency,
            totalSumOfSquares,
            n - 1,
            n,
            0,
            iterations,
            minX,
            maxX);
    }

    internal static CurveFitResult Failure(FitStatus status, int n, double minX, double maxX) =>
        FailureValues(status, n, minX, maxX).ToResult();

    private static CurveFitValues FailureValues(FitStatus status, int n, double minX, double maxX)
    {
        var missing = new LogisticParameters(double.NaN, double.NaN, double.NaN, double.NaN);
        return new CurveFitValues(
            status,
            missing,
            missing,
            Bound(double.NaN, Qualifier.NotEstimable),
            double.NaN,
            0,
            n,
            double.NaN,
            0,
            minX,
            maxX);
    }

    internal static bool IsBetter(LeastSquaresOutcome candidate, LeastSquaresOutcome incumbent)
    {
        if (!double.IsFinite(candidate.SumOfSquares))
        {
            return false;
        }

        if (!double.IsFinite(incumbent.SumOfSquares))
        {
            return true;
        }

        // Prefer a converged fit unless an unconverged one is clearly better.
        return candidate.Converged == incumbent.Converged
            ? candidate.SumOfSquares < incumbent.SumOfSquares
            : candidate.Converged
                ? candidate.SumOfSquares <= incumbent.SumOfSquares * (1 + 1e-9)
                : candidate.SumOfSquares < incumbent.SumOfSquares * (1 - 1e-6);
    }

    /// <summary>The finite X whose response is nearest <paramref name="level"/> (a midpoint-crossing guess without sorting).</summary>
    private static double NearestToLevel(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, double level, double fallback)
    {
        double bestX = fallback;
        double bestDistance = double.PositiveInfinity;
        for (int i = 0; i < response.Length; i++)
        {
            double distance = Math.Abs(response[i] - level);
            if (double.IsFinite(logMolar[i]) && distance < bestDistance)
            {
                bestDistance = distance;
                bestX = logMolar[i];
            }
        }

        return bestX;
    }

    /// <summary>The sign-bearing covariance of X and Y over the finite X (the least-squares slope's numerator).</summary>
    private static double TrendSlope(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response)
    {
        double sumX = 0;
        double sumY = 0;
        int count = 0;
        for (int i = 0; i < response.Length; i++)
        {
            if (double.IsFinite(logMolar[i]))
            {
                sumX += logMolar[i];
                sumY += response[i];
                count++;
            }
        }

        double meanX = sumX / count;
        double meanY = sumY / count;
        double covariance = 0;
        for (int i = 0; i < response.Length; i++)
        {
            if (double.IsFinite(logMolar[i]))
            {
                covariance += (logMolar[i] - meanX) * (response[i] - meanY);
            }
        }

        return covariance;
    }
}
