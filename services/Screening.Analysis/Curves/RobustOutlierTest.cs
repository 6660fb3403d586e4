namespace Screening.Analysis.Curves;

/// <summary>
/// How the well-to-well noise SD (response units) changes with the response: <see cref="SdAtBottom"/>
/// at response 0 and <see cref="SdAtTop"/> at 100 (percent of the control window), linear between and
/// held outside. For normalized plates: 100 sd_nsb / (mean_total - mean_nsb) and 100 sd_total /
/// (mean_total - mean_nsb) from the plate's own control wells.
/// </summary>
public readonly record struct ResponseNoise(double SdAtBottom, double SdAtTop)
{
    public bool IsUsable => SdAtBottom > 0 && SdAtTop > 0 && double.IsFinite(SdAtBottom) && double.IsFinite(SdAtTop);

    /// <summary>The noise SD expected at a (fitted) response.</summary>
    public double At(double response) =>
        SdAtBottom + ((SdAtTop - SdAtBottom) * Math.Clamp(response / 100, 0, 1));
}

/// <summary>
/// The outcome of a ROUT scan of one curve: the indices (into the caller's arrays, ascending) of the
/// points judged outliers, the robust standard deviation of the residuals (RSDR) and the robust fit.
/// </summary>
public sealed record OutlierScan(IReadOnlyList<int> Outliers, double RobustStandardDeviation, LogisticParameters RobustEstimates)
{
    public static OutlierScan None { get; } = new([], double.NaN, new LogisticParameters(double.NaN, double.NaN, double.NaN, double.NaN));
}

/// <summary>How <see cref="RobustOutlierTest"/> computes its robust (Lorentzian) fit.</summary>
internal enum RobustFitMethod
{
    /// <summary>Levenberg-Marquardt on the Lorentzian loss itself, to its minimum (<see cref="FourParameterKernel.MinimizeLorentzian"/>): the default.</summary>
    LorentzianMinimum = 0,

    /// <summary>Up to 12 reweightings, each a weighted least-squares fit to convergence: the first implementation, kept for comparison.</summary>
    TwelveReweightings = 1,

    /// <summary>As <see cref="TwelveReweightings"/> with up to 500 reweightings: the fixed point the reweighting approaches (a reference for tests).</summary>
    ReweightingToConvergence = 2,
}

/// <summary>
/// Outlier detection in the spirit of GraphPad Prism's ROUT (Motulsky &amp; Brown, BMC Bioinformatics
/// 2006, 7:123); docs/analysis.md, "Outliers", gives the rules and where they depart from Prism:
/// <list type="number">
/// <item>Robust fit: the four-parameter logistic (same fixed parameters as the least-squares fit) under
/// Lorentzian (Cauchy) loss sum ln(1 + (r_i/s)^2), minimized from the least-squares estimates, with s the RSDR
/// of the least-squares fit: the fixed point of iteratively reweighted least squares (weights
/// w_i = 1/(1 + (r_i/s)^2)), reached by Levenberg-Marquardt on the loss itself with Newton's curvature
/// (<see cref="FourParameterKernel.MinimizeLorentzian"/>; about 8 passes over the points instead of 12
/// reweightings of ~4 each, and closer to that fixed point than 12 reweightings get).</item>
/// <item>RSDR = P68.27(|r|) * n/(n - K): the 68.27th percentile of the absolute residuals (linear
/// interpolation between order statistics), corrected for the K fitted parameters.</item>
/// <item>Noise that grows with the signal: with a <see cref="ResponseNoise"/> (from the plate's controls)
/// residuals are divided by the expected SD at their fitted level (a weighted ROUT); without one, each half
/// of the robust curve (fitted fraction of the way to Top below/above 1/2) gets its own RSDR, interpolated
/// linearly in that fraction, when the halves differ more than 2-fold; otherwise the single RSDR.</item>
/// <item>Each point gets t_i = |r_i| / scale_i and the two-sided p_i = 2 P(T &gt; t_i) on n - K degrees of
/// freedom; the Benjamini-Hochberg false-discovery procedure at Q (default 1 %) declares the k points
/// with the smallest p outliers, k the largest rank with p_(k) &lt;= Q k / n.</item>
/// <item>At most 30 % of the points (floor), and never so many that fewer than K + 2 remain.</item>
/// </list>
/// Allocation: only the returned list; working arrays are on the stack for curves up to 256 points.
/// </summary>
public static class RobustOutlierTest
{
    /// <summary>Prism's default false discovery rate for ROUT.</summary>
    public const double DefaultQ = 0.01;

    /// <summary>The largest share of a curve that may be masked.</summary>
    public const double MaxOutlierFraction = 0.3;

    private const double RsdrPercentile = 0.6827;
    private const int Reweightings = 12;

    /// <summary>Reweightings allowed to <see cref="RobustFitMethod.ReweightingToConvergence"/>.</summary>
    private const int ManyReweightings = 500;
    private const int StackLimit = 256;
    private const int MinPointsPerHalf = 3;
    private const double HeteroscedasticRatio = 2;
    private const double MaxAbsHillSlope = 10;
    private const double LogIC50Margin = 3;

    /// <summary>Passes allowed to the robust fit (<see cref="FourParameterKernel.MinimizeLorentzian"/>).</summary>
    private const int MaxRobustSteps = 100;

    /// <summary>The robust fit has converged when a step moves no parameter by more than this times (1 + |p|).</summary>
    private const double RobustStepTolerance = 1e-6;

    /// <summary>
    /// Scans a curve. <paramref name="start"/> is the least-squares fit (fixed parameters of
    /// <paramref name="options"/> win). Invalid input, or too few points to test (n &lt; K + 3), gives no outliers.
    /// </summary>
    public static OutlierScan Scan(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        FitOptions options,
        LogisticParameters start,
        double q = DefaultQ,
        ResponseNoise? noise = null) =>
        Scan(logMolar, response, options, start, q, noise, RobustFitMethod.LorentzianMinimum);

    /// <summary>As above, with the robust fit computed by <paramref name="method"/> (the other is kept for comparison).</summary>
    internal static OutlierScan Scan(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        FitOptions options,
        LogisticParameters start,
        double q,
        ResponseNoise? noise,
        RobustFitMethod method)
    {
        options ??= FitOptions.Default;
        int n = response.Length;
        double fixedBottom = options.FixedBottom ?? double.NaN;
        double fixedTop = options.FixedTop ?? double.NaN;
        double fixedHillSlope = options.Model == CurveModel.HillOne ? -1 : options.FixedHillSlope ?? double.NaN;
        var model = new FourParameterLogisticModel(logMolar, response, fixedBottom, fixedTop, fixedHillSlope);
        int k = model.Parameters;
        int maxOutliers = Math.Min((int)Math.Floor(MaxOutlierFraction * n), n - k - 2);
        if (logMolar.Length != n || maxOutliers < 1 || !(q > 0)
            || !double.IsFinite(start.LogIC50) || !double.IsFinite(start.HillSlope)
            || !double.IsFinite(start.Bottom) || !double.IsFinite(start.Top))
        {
            return OutlierScan.None;
        }

        double minX = double.PositiveInfinity, maxX = double.NegativeInfinity;
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(logMolar[i]) || double.IsPositiveInfinity(logMolar[i]) || !double.IsFinite(response[i]))
            {
                return OutlierScan.None;
            }

            if (double.IsFinite(logMolar[i]))
            {
                minX = Math.Min(minX, logMolar[i]);
                maxX = Math.Max(maxX, logMolar[i]);
            }

            minY = Math.Min(minY, response[i]);
            maxY = Math.Max(maxY, response[i]);
        }

        double range = maxY - minY;
        if (!(maxX > minX) || !(range > 0))
        {
            return OutlierScan.None;
        }

        // The fitter's bounds, so the robust fit explores the same box.
        Span<double> fullLower = [minY - range, minY - range, minX - LogIC50Margin, -MaxAbsHillSlope];
        Span<double> fullUpper = [maxY + range, maxY + range, maxX + LogIC50Margin, MaxAbsHillSlope];
        int freeMask = (model.BottomIsFree ? 1 : 0) | (model.TopIsFree ? 2 : 0) | (model.LogIC50IsFree ? 4 : 0) | (model.HillSlopeIsFree ? 8 : 0);
        Span<double> estimates = stackalloc double[4];
        estimates = estimates[..k];
        Span<double> startFull = [start.Bottom, start.Top, start.LogIC50, start.HillSlope];
        model.Compress(startFull, estimates);

        // Residuals, sorted values, weights, noise shape, Cauchy scales, fitted fractions: n each.
        Span<double> work = n <= StackLimit ? stackalloc double[n * 6] : new double[n * 6];
        Span<double> residuals = work[..n];
        Span<double> sorted = work.Slice(n, n);
        Span<double> weights = work.Slice(2 * n, n);

        // Residuals are standardized by the expected noise at their level when the plate's controls give it.
        Span<double> shape = work.Slice(3 * n, n);
        Span<double> scales = work.Slice(4 * n, n);
        Span<double> fractions = work.Slice(5 * n, n);
        bool weighted = noise is { IsUsable: true };
        LogisticParameters leastSquares = model.Expand(estimates);
        Fractions(leastSquares, logMolar, fractions);
        Shape(leastSquares, fractions, noise, weighted, shape);

        // The Cauchy scale is the RSDR of the least-squares fit, held fixed: re-estimating it from the
        // robust fit's own residuals lets the fit lock onto a tight subset and shrink the scale further.
        double floor = 1e-9 * range;
        double s = Math.Max(Rsdr(model, logMolar, response, estimates, shape, residuals, sorted, k), floor);
        if (method == RobustFitMethod.LorentzianMinimum)
        {
            for (int i = 0; i < n; i++)
            {
                scales[i] = s * shape[i];
            }

            Span<double> full = [leastSquares.Bottom, leastSquares.Top, leastSquares.LogIC50, leastSquares.HillSlope];
            LeastSquaresOutcome outcome = FourParameterKernel.MinimizeLorentzian(
                logMolar, response, scales, full, freeMask, fullLower, fullUpper, MaxRobustSteps, RobustStepTolerance);
            if (double.IsFinite(outcome.SumOfSquares))
            {
                model.Compress(full, estimates);
            }
        }
        else
        {
            int reweightings = method == RobustFitMethod.ReweightingToConvergence ? ManyReweightings : Reweightings;
            Reweight(model, logMolar, response, options, s, shape, freeMask, fullLower, fullUpper, reweightings, estimates, residuals, weights);
        }

        LogisticParameters robust = model.Expand(estimates);
        Fractions(robust, logMolar, fractions);
        Shape(robust, fractions, noise, weighted, shape);
        double rsdr = Math.Max(Rsdr(model, logMolar, response, estimates, shape, residuals, sorted, k), floor);

        // Level-aware scale: percent-normalized counts are noisier near the uninhibited plateau than
        // near nsb (proportional error). Each half of the curve (fitted fraction g of the way to Top
        // below or above 1/2) gets its own RSDR at its mean g; between those the scale is linear in g,
        // outside them it is held at the nearer one. Halves under 3 points fall back to the single RSDR.
        double lowerScale = rsdr, upperScale = rsdr, lowerLevel = 0, upperLevel = 0;
        int upperCount = 0, lowerCount = 0;
        for (int i = 0; i < n; i++)
        {
            double g = fractions[i];
            if (g >= 0.5)
            {
                sorted[upperCount++] = Math.Abs(residuals[i]);
                upperLevel += g;
            }
            else
            {
                lowerLevel += g;
            }
        }

        lowerCount = n - upperCount;
        if (!weighted && upperCount >= MinPointsPerHalf && lowerCount >= MinPointsPerHalf)
        {
            upperScale = Math.Max(HalfRsdr(sorted[..upperCount], n, k), floor);
            int m = 0;
            for (int i = 0; i < n; i++)
            {
                if (fractions[i] < 0.5)
                {
                    sorted[m++] = Math.Abs(residuals[i]);
                }
            }

            lowerScale = Math.Max(HalfRsdr(sorted[..lowerCount], n, k), floor);
            upperLevel /= upperCount;
            lowerLevel /= lowerCount;

            // Halves that agree within a factor of 2 are one noise level: the single RSDR is the steadier estimate.
            if (upperScale <= HeteroscedasticRatio * lowerScale && lowerScale <= HeteroscedasticRatio * upperScale)
            {
                lowerScale = upperScale = rsdr;
            }
        }

        // Benjamini-Hochberg on the two-sided t p-values; sorted holds p, indices ride along.
        int df = n - k;
        double screen = 0.9 * CriticalT(q, df);
        bool candidates = false;
        for (int i = 0; i < n; i++)
        {
            double g = fractions[i];
            double position = upperLevel > lowerLevel ? Math.Clamp((g - lowerLevel) / (upperLevel - lowerLevel), 0, 1) : 0.5;
            double t = Math.Abs(residuals[i]) / shape[i] / (lowerScale + (position * (upperScale - lowerScale)));

            // Only p <= q can be a discovery (q k / n <= q): below 0.9 t(1 - q/2) the exact p is not needed,
            // and 2 (above every p) keeps such points behind every candidate.
            sorted[i] = t < screen ? 2 : 2 * StudentT.CumulativeProbability(-t, df);
            candidates |= sorted[i] <= q;
        }

        // Without a p at or below q no rank can pass p_(k) <= q k / n: nothing to sort.
        if (!candidates)
        {
            return new OutlierScan([], rsdr, robust);
        }

        Span<int> order = n <= StackLimit ? stackalloc int[n] : new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        int discoveries = Math.Min(BenjaminiHochberg(sorted, order, q), maxOutliers);
        if (discoveries == 0)
        {
            return new OutlierScan([], rsdr, robust);
        }

        var outliers = new int[discoveries];
        order[..discoveries].CopyTo(outliers);
        Array.Sort(outliers);
        return new OutlierScan(outliers, rsdr, robust);
    }

    /// <summary>
    /// The robust fit by reweighting, as first implemented (<see cref="RobustFitMethod.TwelveReweightings"/>): up to
    /// <paramref name="reweightings"/> reweightings, each a weighted least-squares fit run to convergence from the
    /// previous estimates; stops early when a reweighting moves no parameter by more than 1e-7 (1 + |p|). Leaves the
    /// estimates in <paramref name="estimates"/>.
    /// </summary>
    private static void Reweight(
        FourParameterLogisticModel model,
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        FitOptions options,
        double s,
        ReadOnlySpan<double> shape,
        int freeMask,
        ReadOnlySpan<double> fullLower,
        ReadOnlySpan<double> fullUpper,
        int reweightings,
        Span<double> estimates,
        Span<double> residuals,
        Span<double> weights)
    {
        int n = response.Length;
        Span<double> previous = stackalloc double[4];
        previous = previous[..estimates.Length];
        Span<double> full = stackalloc double[4];
        for (int iteration = 0; iteration < reweightings; iteration++)
        {
            if (iteration > 0)
            {
                FillResiduals(model, logMolar, response, estimates, residuals);
            }

            for (int i = 0; i < n; i++)
            {
                double z = residuals[i] / (s * shape[i]);
                weights[i] = 1 / Math.Sqrt(1 + (z * z));
            }

            estimates.CopyTo(previous);
            LogisticParameters current = model.Expand(estimates);
            full[0] = current.Bottom;
            full[1] = current.Top;
            full[2] = current.LogIC50;
            full[3] = current.HillSlope;
            LeastSquaresOutcome outcome = FourParameterKernel.Minimize(
                logMolar, response, weights, full, freeMask, fullLower, fullUpper, options.MaxIterations, true);
            model.Compress(full, estimates);
            if (!double.IsFinite(outcome.SumOfSquares))
            {
                previous.CopyTo(estimates);
                break;
            }

            if (SmallChange(previous, estimates))
            {
                break;
            }
        }
    }

    /// <summary>The fitted fraction f_i = 1/(1 + 10^((LogIC50 - X_i) HillSlope)) of each point.</summary>
    private static void Fractions(LogisticParameters fit, ReadOnlySpan<double> logMolar, Span<double> fractions) =>
        FourParameterKernel.Fractions(logMolar, fit.LogIC50, fit.HillSlope, fractions);

    /// <summary>t(1 - q/2, df), memoized by df for the default Q; 0 (no screening) when it cannot be had cheaply.</summary>
    private static double CriticalT(double q, int df)
    {
        if (q != DefaultQ || df <= 0 || df >= CriticalTAtDefaultQ.Length)
        {
            return 0;
        }

        double t = Volatile.Read(ref CriticalTAtDefaultQ[df]);
        if (t == 0)
        {
            t = StudentT.Quantile(1 - (DefaultQ / 2), df);
            Volatile.Write(ref CriticalTAtDefaultQ[df], double.IsFinite(t) && t > 0 ? t : 0);
        }

        return double.IsFinite(t) ? t : 0;
    }

    private static readonly double[] CriticalTAtDefaultQ = new double[1024];

    /// <summary>P68.27 of one half's |r| (reordered in place) * n/(n - K): the parameters shared in proportion to the points.</summary>
    private static double HalfRsdr(Span<double> absolute, int n, int k)
    {
        return Percentile(absolute, RsdrPercentile) * n / (n - k);
    }

    private static void FillResiduals(
        FourParameterLogisticModel model, ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, ReadOnlySpan<double> estimates, Span<double> residuals)
    {
        LogisticParameters p = model.Expand(estimates);
        FourParameterKernel.Residuals(logMolar, response, [p.Bottom, p.Top, p.LogIC50, p.HillSlope], residuals);
    }

    /// <summary>
    /// ROUT for a curve without concentration dependence (<see cref="FitStatus.Flat"/>): the robust fit
    /// is a horizontal line at the median (K = 1), the rest as <see cref="Scan"/>; with a noise model
    /// every point has the same expected noise, so it does not change the test.
    /// </summary>
    public static OutlierScan ScanFlat(ReadOnlySpan<double> response, double q = DefaultQ)
    {
        const int k = 1;
        int n = response.Length;
        int maxOutliers = Math.Min((int)Math.Floor(MaxOutlierFraction * n), n - k - 2);
        if (maxOutliers < 1 || !(q > 0))
        {
            return OutlierScan.None;
        }

        Span<double> work = n <= StackLimit ? stackalloc double[StackLimit * 2] : new double[n * 2];
        Span<double> sorted = work[..n];
        Span<double> p = work.Slice(n, n);
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(response[i]))
            {
                return OutlierScan.None;
            }

            sorted[i] = response[i];
            minY = Math.Min(minY, response[i]);
            maxY = Math.Max(maxY, response[i]);
        }

        sorted.Sort();
        double median = (n % 2 == 1) ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
        for (int i = 0; i < n; i++)
        {
            sorted[i] = Math.Abs(response[i] - median);
        }

        double rsdr = Math.Max(Percentile(sorted, RsdrPercentile) * n / (n - k), 1e-9 * Math.Max(maxY - minY, 1e-300));
        Span<int> order = n <= StackLimit ? stackalloc int[StackLimit] : new int[n];
        order = order[..n];
        for (int i = 0; i < n; i++)
        {
            p[i] = 2 * StudentT.CumulativeProbability(-Math.Abs(response[i] - median) / rsdr, n - k);
            order[i] = i;
        }

        int discoveries = Math.Min(BenjaminiHochberg(p, order, q), maxOutliers);
        var line = new LogisticParameters(median, median, double.NaN, double.NaN);
        if (discoveries == 0)
        {
            return new OutlierScan([], rsdr, line);
        }

        var outliers = new int[discoveries];
        order[..discoveries].CopyTo(outliers);
        Array.Sort(outliers);
        return new OutlierScan(outliers, rsdr, line);
    }

    /// <summary>Sorts p ascending (indices alongside) and returns the Benjamini-Hochberg count: the largest k with p_(k) &lt;= Q k / n.</summary>
    private static int BenjaminiHochberg(Span<double> p, Span<int> order, double q)
    {
        int n = p.Length;
        p.Sort(order);
        int discoveries = 0;
        for (int rank = 1; rank <= n; rank++)
        {
            if (p[rank - 1] <= q * rank / n)
            {
                discoveries = rank;
            }
        }

        return discoveries;
    }

    /// <summary>
    /// Linear interpolation between order statistics; reorders <paramref name="values"/> in place. The two order
    /// statistics are found by selection (Hoare's quickselect) instead of a full sort: the same values, in O(n).
    /// </summary>
    internal static double Percentile(Span<double> values, double fraction)
    {
        int m = values.Length;
        double position = fraction * (m - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, m - 1);
        double low = Select(values, below);

        // After the selection everything right of `below` is at least values[below]: the next order statistic is their minimum.
        double high = low;
        if (above > below)
        {
            high = double.PositiveInfinity;
            for (int i = above; i < m; i++)
            {
                high = Math.Min(high, values[i]);
            }
        }

        return low + ((position - below) * (high - low));
    }

    /// <summary>The k-th smallest value (0-based); leaves smaller values left of k and larger ones right of it.</summary>
    private static double Select(Span<double> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (right > left)
        {
            // Median of three as the pivot, then Hoare partition.
            int middle = left + ((right - left) / 2);
            double a = values[left], b = values[middle], c = values[right];
            double pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    /// <summary>
    /// The expected noise at each point relative to the mean expected noise (all 1 without a noise model), at the
    /// fitted responses Bottom + (Top - Bottom) f_i of <paramref name="fit"/> (f from <see cref="Fractions"/>).
    /// </summary>
    private static void Shape(LogisticParameters fit, ReadOnlySpan<double> fractions, ResponseNoise? noise, bool weighted, Span<double> shape)
    {
        if (!weighted || noise is not { } model)
        {
            shape.Fill(1);
            return;
        }

        double sum = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = model.At(fit.Bottom + ((fit.Top - fit.Bottom) * fractions[i]));
            sum += shape[i];
        }

        double mean = sum / shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] /= mean;
        }
    }

    /// <summary>Fills the unweighted residuals and returns P68.27(|r_i|/shape_i) * n/(n-K).</summary>
    private static double Rsdr(
        FourParameterLogisticModel model, ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, ReadOnlySpan<double> estimates, ReadOnlySpan<double> shape, Span<double> residuals, Span<double> sorted, int k)
    {
        int n = residuals.Length;
        FillResiduals(model, logMolar, response, estimates, residuals);
        for (int i = 0; i < n; i++)
        {
            sorted[i] = Math.Abs(residuals[i]) / shape[i];
        }

        return Percentile(sorted[..n], RsdrPercentile) * n / (n - k);
    }

    private static bool SmallChange(ReadOnlySpan<double> before, ReadOnlySpan<double> after)
    {
        for (int i = 0; i < before.Length; i++)
        {
            if (Math.Abs(after[i] - before[i]) > 1e-7 * (1 + Math.Abs(before[i])))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A least-squares model with each residual (and its gradient) scaled by sqrt(w_i): minimizes sum w_i r_i^2.</summary>
internal readonly ref struct WeightedLeastSquaresModel : ILeastSquaresModel
{
    private readonly FourParameterLogisticModel _model;
    private readonly ReadOnlySpan<double> _sqrtWeights;

    public WeightedLeastSquaresModel(FourParameterLogisticModel model, ReadOnlySpan<double> sqrtWeights)
    {
        _model = model;
        _sqrtWeights = sqrtWeights;
    }

    public int Points => _model.Points;

    public int Parameters => _model.Parameters;

    public double Residual(int index, ReadOnlySpan<double> parameters) =>
        _sqrtWeights[index] * _model.Residual(index, parameters);

    public double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        double w = _sqrtWeights[index];
        double r = _model.Residual(index, parameters, gradient);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] *= w;
        }

        return w * r;
    }
}
