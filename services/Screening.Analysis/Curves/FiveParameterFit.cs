namespace Screening.Analysis.Curves;

/// <summary>What the fitter learnt about a curve's data in its first pass.</summary>
internal readonly record struct DataSummary(
    int Points, double MinX, double MaxX, double MinY, double MaxY, double MeanY, double TotalSumOfSquares);

/// <summary>
/// The five-parameter logistic path of <see cref="DoseResponseFitter"/>:
/// Y = Bottom + (Top-Bottom)/(1+10^((LogXb-X)*HillSlope))^S (see <see cref="FiveParameterLogistic"/>).
/// </summary>
/// <remarks>
/// Start: the four-parameter fit under the same fixed parameters (S = 1 is the 4PL, so its optimum
/// is the natural start), with LogXb = LogIC50 + c(S)/HillSlope for the starting S (1 unless fixed);
/// when that start converges badly, S = 0.5 and S = 2 are tried as well.
/// Bounds: Bottom, Top and HillSlope as for the 4PL; S in [0.05, 20]; LogXb within
/// <see cref="LogXbMargin"/> decades of the tested range (c(S)/HillSlope can move it far from the IC50).
/// Uncertainty: Gauss-Newton s^2 (J'J)^-1 for the fitted parameters; LogIC50 = LogXb - c(S)/HillSlope
/// by the delta method, Var = g' Cov g with g = (dLogIC50/dLogXb, dLogIC50/dHillSlope, dLogIC50/dS)
/// = (1, c/HillSlope^2, -c'(S)/HillSlope), and a t interval on n - p degrees of freedom.
/// </remarks>
internal static class FiveParameterFit
{
    private const double MinAsymmetry = 0.05;
    private const double MaxAsymmetry = 20;
    private const double LogXbMargin = 20;
    private const int P = FiveParameterLogistic.Count;

    public static CurveFitResult Fit(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, FitOptions options, DataSummary data)
    {
        double fixedHillSlope = options.FixedHillSlope ?? double.NaN;
        double fixedAsymmetry = options.FixedAsymmetry ?? double.NaN;
        double fixedLogIC50 = options.FixedLogIC50 ?? double.NaN;
        var model = new FiveParameterLogisticModel(
            logMolar, response, options.FixedBottom ?? double.NaN, options.FixedTop ?? double.NaN, fixedLogIC50, fixedHillSlope, fixedAsymmetry);
        int free = model.Parameters;
        int n = data.Points;
        double minX = data.MinX;
        double maxX = data.MaxX;
        if (n < free + 1)
        {
            return DoseResponseFitter.Failure(FitStatus.TooFewPoints, n, minX, maxX);
        }

        // The 4PL under the same constraints gives the start (and decides flatness the same way).
        CurveFitResult fourParameter = DoseResponseFitter.Fit(logMolar, response, options with { Model = CurveModel.FourParameter });
        if (fourParameter.Status is FitStatus.Flat or FitStatus.InvalidInput or FitStatus.TooFewPoints)
        {
            return fourParameter;
        }

        LogisticParameters start4 = fourParameter.Estimates;
        double range = data.MaxY - data.MinY;
        Span<double> fullLower = [data.MinY - range, data.MinY - range, minX - LogXbMargin, -DoseResponseFitter.MaxAbsHillSlope, MinAsymmetry];
        Span<double> fullUpper = [data.MaxY + range, data.MaxY + range, maxX + LogXbMargin, DoseResponseFitter.MaxAbsHillSlope, MaxAsymmetry];
        Span<double> lower = stackalloc double[P];
        Span<double> upper = stackalloc double[P];
        lower = lower[..free];
        upper = upper[..free];
        model.Compress(fullLower, lower);
        model.Compress(fullUpper, upper);

        Span<double> start = stackalloc double[P];
        Span<double> best = stackalloc double[P];
        Span<double> trial = stackalloc double[P];
        best = best[..free];
        trial = trial[..free];
        int maxIterations = Math.Max(1, options.MaxIterations);

        double firstS = double.IsNaN(fixedAsymmetry) ? 1 : fixedAsymmetry;
        Start(start4, firstS, start);
        model.Compress(start, best);
        LeastSquaresOutcome bestOutcome = LevenbergMarquardt.Minimize(model, best, lower, upper, maxIterations);
        int iterations = bestOutcome.Iterations + fourParameter.Iterations;

        if (double.IsNaN(fixedAsymmetry)
            && (!bestOutcome.Converged || !(1 - (bestOutcome.SumOfSquares / data.TotalSumOfSquares) >= DoseResponseFitter.RetryBelowRSquared)))
        {
            foreach (double s in (ReadOnlySpan<double>)[0.5, 2])
            {
                Start(start4, s, start);
                model.Compress(start, trial);
                LeastSquaresOutcome outcome = LevenbergMarquardt.Minimize(model, trial, lower, upper, maxIterations);
                iterations += outcome.Iterations;
                if (DoseResponseFitter.IsBetter(outcome, bestOutcome))
                {
                    bestOutcome = outcome;
                    trial.CopyTo(best);
                }
            }
        }

        if (!double.IsFinite(bestOutcome.SumOfSquares))
        {
            return DoseResponseFitter.Failure(FitStatus.NotConverged, n, minX, maxX) with { Iterations = iterations };
        }

        double sse = bestOutcome.SumOfSquares;
        int degreesOfFreedom = n - free;
        if (DoseResponseFitter.IsNoBetterThanHorizontalLine(sse, data.TotalSumOfSquares, free, degreesOfFreedom))
        {
            return DoseResponseFitter.FlatResult(
                n, data.MeanY, data.TotalSumOfSquares, iterations, minX, maxX, options, fixedHillSlope);
        }

        Span<double> full = stackalloc double[P];
        model.Expand(best, full);
        double bottom = full[FiveParameterLogistic.Bottom];
        double top = full[FiveParameterLogistic.Top];
        double logXb = full[FiveParameterLogistic.LogXb];
        double hill = full[FiveParameterLogistic.HillSlope];
        double asymmetry = full[FiveParameterLogistic.Asymmetry];
        double c = FiveParameterLogistic.HalfwayOffset(asymmetry);
        double dc = FiveParameterLogistic.HalfwayOffsetDerivative(asymmetry);
        double logIC50 = double.IsNaN(fixedLogIC50) ? logXb - (c / hill) : fixedLogIC50;

        Span<double> covariance = stackalloc double[P * P];
        covariance = covariance[..(free * free)];
        Span<double> errors = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN];
        double logIC50Error = double.NaN;
        double logXbError = double.NaN;
        if (LevenbergMarquardt.TryUnscaledCovariance(model, best, covariance))
        {
            double s2 = sse / degreesOfFreedom;
            for (int i = 0; i < P; i++)
            {
                int k = model.FreeIndexOf(i);
                if (k >= 0)
                {
                    errors[i] = Math.Sqrt(s2 * covariance[(k * free) + k]);
                }
            }

            // The derived one of LogIC50 and LogXb, by the delta method.
            Span<double> g = stackalloc double[P];
            g.Clear();
            if (double.IsNaN(fixedLogIC50))
            {
                g[FiveParameterLogistic.LogXb] = 1;
                g[FiveParameterLogistic.HillSlope] = c / (hill * hill);
                g[FiveParameterLogistic.Asymmetry] = -dc / hill;
                logIC50Error = Math.Sqrt(s2 * Quadratic(model, g, covariance, free));
                logXbError = errors[FiveParameterLogistic.LogXb];
            }
            else
            {
                g[FiveParameterLogistic.HillSlope] = -c / (hill * hill);
                g[FiveParameterLogistic.Asymmetry] = dc / hill;
                logXbError = Math.Sqrt(s2 * Quadratic(model, g, covariance, free));
            }
        }

        var estimates = new LogisticParameters(bottom, top, logIC50, hill);
        var standardErrors = new LogisticParameters(
            errors[FiveParameterLogistic.Bottom], errors[FiveParameterLogistic.Top], logIC50Error, errors[FiveParameterLogistic.HillSlope]);
        Potency potency = DoseResponseFitter.QualifiedPotency(
            estimates,
            FiveParameterLogistic.Response(bottom, top, logXb, hill, asymmetry, minX),
            FiveParameterLogistic.Response(bottom, top, logXb, hill, asymmetry, maxX),
            logIC50Error,
            degreesOfFreedom,
            minX,
            maxX,
            options.ResponseMidpoint);

        return new CurveFitResult(
            bestOutcome.Converged ? FitStatus.Converged : FitStatus.NotConverged,
            estimates,
            standardErrors,
            potency,
            sse,
            degreesOfFreedom,
            n,
            1 - (sse / data.TotalSumOfSquares),
            iterations,
            minX,
            maxX)
        {
            Asymmetry = asymmetry,
            AsymmetryStandardError = errors[FiveParameterLogistic.Asymmetry],
            LogXb = logXb,
            LogXbStandardError = logXbError,
        };
    }

    /// <summary>A full 5PL start from 4PL estimates for asymmetry <paramref name="s"/>: LogXb = LogIC50 + c(S)/HillSlope.</summary>
    private static void Start(LogisticParameters fourParameter, double s, Span<double> start)
    {
        double hill = fourParameter.HillSlope is var h && double.IsFinite(h) && h != 0 ? h : -1;
        start[FiveParameterLogistic.Bottom] = fourParameter.Bottom;
        start[FiveParameterLogistic.Top] = fourParameter.Top;
        start[FiveParameterLogistic.LogXb] = fourParameter.LogIC50 + (FiveParameterLogistic.HalfwayOffset(s) / hill);
        start[FiveParameterLogistic.HillSlope] = hill;
        start[FiveParameterLogistic.Asymmetry] = s;
    }

    /// <summary>g' C g over the free parameters, g indexed by the full 5PL vector, C the unscaled covariance of the free ones.</summary>
    private static double Quadratic(FiveParameterLogisticModel model, ReadOnlySpan<double> g, ReadOnlySpan<double> covariance, int free)
    {
        double sum = 0;
        for (int i = 0; i < P; i++)
        {
            int a = model.FreeIndexOf(i);
            if (a < 0 || g[i] == 0)
            {
                continue;
            }

            for (int j = 0; j < P; j++)
            {
                int b = model.FreeIndexOf(j);
                if (b >= 0 && g[j] != 0)
                {
                    sum += g[i] * g[j] * covariance[(a * free) + b];
                }
            }
        }

        return sum;
    }
}
